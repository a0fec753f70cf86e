package io.yolostream.detector.faceapi;

import io.yolostream.detector.model.ModelException;
import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The real face-api package, fetched once with npm into target/faceapi (kept between runs). Without npm or the
 * registry the tests that need it are skipped locally, and fail on CI (CI=true), where npm must work.
 */
final class FaceApiFixture {
    static final Path DIR = Path.of("target", "faceapi");
    private static FaceApiPackage.Extracted files;
    private static ModelException failure;
    private static Path onnx;

    private FaceApiFixture() {
    }

    static synchronized FaceApiPackage.Extracted files() {
        if (files == null && failure == null) {
            try {
                files = FaceApiPackage.fetch(DIR);
            } catch (ModelException e) {
                failure = e; // tried once per JVM: npm's retries on an unreachable registry take a minute
            }
        }
        if (failure != null) {
            if ("true".equals(System.getenv("CI"))) {
                fail("CI=true needs npm and the npm registry: " + failure.getMessage(), failure);
            }
            Assumptions.assumeTrue(false, "face-api package unavailable: " + failure.getMessage());
        }
        return files;
    }

    /** The converted model, written once. */
    static synchronized Path onnx() throws Exception {
        if (onnx == null) {
            FaceApiPackage.Extracted f = files();
            Path out = DIR.resolve("face-tiny.onnx");
            Files.write(out, FaceApiToOnnx.toOnnx(f.manifest(), f.weights()));
            onnx = out;
        }
        return onnx;
    }
}
