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

    @Test
    void theSinksGetTheMapAndItsTreeNeverTheModelsTreeOrNames(@TempDir Path dir) throws Exception {
        Path onnx = Files.writeString(dir.resolve("m.onnx"), "x");
        RunSetup s = RunSetup.resolve(dir.resolve("data"), List.of("cam.mp4"), onnx, null, dir.resolve("voc.names"),
                null, null, "adaptive", null);
        assertEquals(java.util.Map.of("subscribe", "animal", "map", "voc", "map-tree", "9k"),
                s.sinksFlags("animal", "voc", "9k", null));
        assertEquals(java.util.Map.of("subscribe", "animal"), s.sinksFlags("animal", null),
                "no --map: the sinks choose (auto) from the model the detector opened");
    }

    @Test
    void aTreeForAFlatModelIsRefusedSayingWhereTheRoutingTreeGoes(@TempDir Path dir) throws Exception {
        Path cfg = Files.writeString(dir.resolve("flat.cfg"), """
                [net]
                width=64
                height=64
                channels=3

                [convolutional]
                filters=50
                size=1
                stride=32
                pad=1
                activation=linear

                [region]
                anchors = 1,1, 2,2
                classes=20
                coords=4
                num=2
                softmax=1
                """);
        Path tree = Files.writeString(dir.resolve("9k.tree"), "n1 -1\n");
        io.yolostream.config.ConfigException e = assertThrows(io.yolostream.config.ConfigException.class,
                () -> RunSetup.resolve(dir.resolve("data"), List.of("cam.mp4"), cfg, dir.resolve("w"), null, tree,
                        null, "adaptive", null));
        assertTrue(e.getMessage().contains("found " + cfg + ", a flat model: --tree and --names are the model's own;"
                + " the sinks place a flat model's classes on the shipped YOLO9000 9k tree with --map voc|coco|FILE"),
                e.getMessage());
        Path onnx = Files.writeString(dir.resolve("m.onnx"), "x");
        e = assertThrows(io.yolostream.config.ConfigException.class, () -> RunSetup.resolve(dir.resolve("data"),
                List.of("cam.mp4"), onnx, null, null, tree, null, "adaptive", null));
        assertTrue(e.getMessage().contains("found the ONNX model " + onnx), e.getMessage());
        // a YOLO9000 cfg takes it
        Path nineK = Files.writeString(dir.resolve("yolo9000.cfg"), Files.readString(cfg)
                .replace("softmax=1", "softmax=1\ntree=data/9k.tree"));
        RunSetup ok = RunSetup.resolve(dir.resolve("data"), List.of("cam.mp4"), nineK, dir.resolve("w"), null, tree,
                null, "adaptive", null);
        assertEquals(tree.toString(), ok.modelFlags().get("tree"));
    }

    private static Path photo(Path file, int w, int h) {
        try (Mat m = new Mat(h, w, CV_8UC3, new Scalar(40, 120, 200, 0))) {
            imwrite(file.toString(), m);
        }
        return file;
    }
}
