package io.yolostream.detector.conformance;

import io.yolostream.detector.opencv.ImageFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The README's claim, rerun: pjreddie darknet itself (Debian's {@code darknet} package: the last upstream commit,
 * 61c9d02e, built with OpenCV) and our {@code convert} + {@code detect-image} give the same detections for the same
 * seeded random weights ({@link ConformanceWeights}), at several input sizes (non-square ones too: darknet runs at
 * its cfg's size, so the cfg is edited; our ONNX model takes any size), on darknet's sample photos and two lossless
 * crops of them (portrait; smaller than the input). Debian's darknet reads images with OpenCV, so ours does here
 * too ({@code --image-decoder opencv}: bit-identical pixels for these photos, libjpeg-turbo on both sides);
 * stb_image, our default decoder, is compared with darknet's default build in {@link DarknetRecordedTest}.
 *
 * <p>Compared: every box and class {@code detector valid} writes (threshold 0.005, NMS 0.45) with our detections at
 * the same settings, within {@link Conformance#TOLERANCE} (see {@link Conformance} for the near-ties it accepts).
 * Skipped without a {@code darknet} binary, failed under CI=true.
 */
class DarknetConformanceTest {
    @TempDir
    static Path dir;
    private static Path darknet;
    private static ConformanceInputs inputs;

    @BeforeAll
    static void setUp() throws Exception {
        inputs = ConformanceInputs.copyTo(dir);
    }

    @BeforeEach
    void darknetInstalled() {
        darknet = DarknetRun.binary(); // per test, so that each reports the skip and its reason
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("yolov2-tiny-voc", 416, 416),
                Arguments.of("yolov2-tiny-voc", 320, 320),
                Arguments.of("yolov2-tiny-voc", 608, 352),
                Arguments.of("yolov2-voc", 416, 416),
                Arguments.of("yolov2-voc", 352, 544));
    }

    @ParameterizedTest(name = "{0} at {1}x{2}")
    @MethodSource("cases")
    void sameDetectionsAsDarknet(String model, int width, int height) throws Exception {
        ConformanceInputs.Model m = inputs.model(model);
        String tag = model + "-" + width + "x" + height;
        List<Path> images = inputs.images();
        DarknetRun.Job job = DarknetRun.prepare(dir, tag, images, inputs.classes(model));
        List<Conformance.Box> theirs = DarknetRun.run(darknet, dir, job, inputs.cfg(model, width, height),
                m.weights());
        List<Conformance.Box> ours = ConformanceInputs.detect(m.onnx(), images, width, height,
                ConformanceInputs.validOptions(), ImageFiles.Decoder.OPENCV);
        ConformanceInputs.check(Conformance.compare("darknet (Debian) vs ours, " + tag, theirs, ours,
                DarknetRun.THRESH, Conformance.TOLERANCE), images);
    }
}
