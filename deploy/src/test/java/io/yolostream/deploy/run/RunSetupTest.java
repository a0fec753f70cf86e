package io.yolostream.deploy.run;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunSetupTest {
    @Test
    void withoutAModelTheFaceModelRunsOnAClipOfItsPhotos(@TempDir Path dir) throws Exception {
        Path onnx = Files.writeString(dir.resolve("face-tiny.onnx"), "x");
        List<Path> photos = List.of(photo(dir.resolve("a.jpg"), 320, 240), photo(dir.resolve("b.jpg"), 200, 300));
        RunSetup s = RunSetup.resolve(dir.resolve("data"), List.of(), null, null, null, null, null, "adaptive",
                RunSetup.DefaultModel.of(onnx, photos));
        assertFalse(s.demoModel());
        assertTrue(s.demoVideo());
        assertEquals(onnx.toString(), s.modelFlags().get("model"));
        assertEquals("0.5", s.modelFlags().get("thresh"));
        assertEquals("0.4", s.modelFlags().get("nms"));
        assertTrue(s.modelNote().contains("face-tiny"), s.modelNote());
        Path clip = Path.of(s.cameras().get("demo"));
        assertEquals("demo-faces.mp4", clip.getFileName().toString());
        assertTrue(Files.size(clip) > 0);
        assertEquals("face", s.sinksFlags(null, null).get("subscribe"));
        assertEquals("dog", s.sinksFlags("dog", null).get("subscribe"));
    }

    @Test
    void anUnavailableFaceModelFallsBackToTheRandomDemoSayingWhy(@TempDir Path dir) {
        RunSetup s = RunSetup.resolve(dir.resolve("data"), List.of("cam.mp4"), null, null, null, null, 0.2,
                "fixed:416", RunSetup.DefaultModel.unavailable("npm is not on the PATH"));
        assertTrue(s.demoModel());
        assertTrue(s.modelFlags().get("model").endsWith("yolov2-tiny-voc.cfg"));
        assertEquals("0.2", s.modelFlags().get("thresh"));
        assertTrue(s.modelNote().contains("npm is not on the PATH"), s.modelNote());
        assertFalse(s.sinksFlags(null, null).containsKey("subscribe"));
    }

    @Test
    void aGivenModelIsUsedAsIs(@TempDir Path dir) throws Exception {
        Path onnx = Files.writeString(dir.resolve("m.onnx"), "x");
        RunSetup s = RunSetup.resolve(dir.resolve("data"), List.of("cam.mp4"), onnx, null, null, null, null,
                "adaptive", null);
        assertFalse(s.demoModel());
        assertNull(s.modelNote());
        assertEquals(onnx.toString(), s.modelFlags().get("model"));
        assertFalse(s.modelFlags().containsKey("thresh"));
        assertThrows(IllegalArgumentException.class, () -> DemoAssets.faceVideo(dir.resolve("none"), List.of()));
    }

    private static Path photo(Path file, int w, int h) {
        try (Mat m = new Mat(h, w, CV_8UC3, new Scalar(40, 120, 200, 0))) {
            imwrite(file.toString(), m);
        }
        return file;
    }
}
