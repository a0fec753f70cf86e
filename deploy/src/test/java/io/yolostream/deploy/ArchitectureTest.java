package io.yolostream.deploy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The architecture, as rules over the compiled main classes of every module (this module's test classpath holds
 * them all): no package cycles anywhere; the model core a library without Kafka, Avro, FFmpeg or the services;
 * the sinks without ONNX Runtime; ingest knowing nothing downstream; one logging API. The Maven enforcer keeps the
 * artifacts' dependencies to the same rules (detector/core and sinks poms).
 */
class ArchitectureTest {
    /** The model core's packages (the yolostream-model-core jar, plus the WordTree it builds on). */
    static final String[] MODEL_CORE_ONLY = {"io.yolostream.detector", "io.yolostream.detector.darknet..",
            "io.yolostream.detector.onnx..", "io.yolostream.detector.decode..", "io.yolostream.detector.preprocess..",
            "io.yolostream.detector.runtime..", "io.yolostream.detector.model..", "io.yolostream.detector.catalog..",
            "io.yolostream.detector.quantize..", "io.yolostream.detector.faceapi..", "io.yolostream.detector.opencv.."};
    static final String[] MODEL_CORE = append(MODEL_CORE_ONLY, "io.yolostream.wordtree..");

    static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        // main classes only: not test-classes folders nor the modules' test-jars (RtspTestServer, Fixtures, ...)
        ImportOption mainOnly = location -> !location.contains("/test-classes/") && !location.contains("-tests.jar");
        classes = new ClassFileImporter().withImportOption(mainOnly).importPackages("io.yolostream");
        // every module is on the classpath: a rule over a handful of classes would pass vacuously
        assertTrue(classes.size() > 300, "expected the classes of every module, found " + classes.size());
    }

    @Test
    void noPackageCycles() {
        slices().matching("io.yolostream.(**)").should().beFreeOfCycles().check(classes);
    }

    @Test
    void theModelCoreIsALibraryWithoutKafkaAvroFfmpegOrTheServices() {
        noClasses().that().resideInAnyPackage(MODEL_CORE).should().dependOnClassesThat().resideInAnyPackage(
                        "org.apache.kafka..", "org.apache.avro..", "org.bytedeco.ffmpeg..", "org.bytedeco.javacv..",
                        "io.yolostream.ingest..", "io.yolostream.config..", "io.yolostream.kafka..",
                        "io.yolostream.schema..", "io.yolostream.http..", "io.yolostream.detector.service..", "io.yolostream.detector.batch..",
                        "io.yolostream.detector.avro..", "io.yolostream.detector.schema..",
                        "io.yolostream.detector.video..", "io.yolostream.sinks..", "io.yolostream.deploy..")
                .check(classes);
    }

    @Test
    void theSinksNeedNoOnnxRuntimeNorTheModelCore() {
        noClasses().that().resideInAPackage("io.yolostream.sinks..").should().dependOnClassesThat()
                .resideInAnyPackage(append(MODEL_CORE_ONLY, "ai.onnxruntime..", "io.yolostream.detector.service..",
                        "io.yolostream.ingest.source..", "io.yolostream.ingest.publish..", "org.bytedeco..",
                        "io.yolostream.deploy.."))
                .check(classes);
    }

    @Test
    void ingestKnowsNothingDownstream() {
        noClasses().that().resideInAnyPackage("io.yolostream.ingest..", "io.yolostream.config..",
                        "io.yolostream.kafka..", "io.yolostream.schema..", "io.yolostream.http..")
                .should().dependOnClassesThat().resideInAnyPackage("io.yolostream.detector..",
                        "io.yolostream.wordtree..", "io.yolostream.sinks..", "io.yolostream.deploy..")
                .check(classes);
    }

    @Test
    void theDetectorKnowsNothingOfTheSinksOrTheCommand() {
        noClasses().that().resideInAPackage("io.yolostream.detector..").should().dependOnClassesThat()
                .resideInAnyPackage("io.yolostream.sinks..", "io.yolostream.deploy..", "io.yolostream.ingest.source..",
                        "io.yolostream.ingest.publish..", "io.yolostream.ingest.service..")
                .check(classes);
    }

    @Test
    void oneLoggingApiSlf4jTheBackendIsTheCommands() {
        // java.util.logging is the backend (slf4j-jdk14), configured by the command and quieted for Kafka's broker
        noClasses().that().resideOutsideOfPackages("io.yolostream.deploy..", "io.yolostream.kafka.embedded..")
                .should().dependOnClassesThat().resideInAPackage("java.util.logging..")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.lang.System$Logger")
                .check(classes);
    }

    private static String[] append(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
