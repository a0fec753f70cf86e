package io.yolostream.detector;

import io.yolostream.detector.darknet.DarknetCfg;
import io.yolostream.detector.darknet.DarknetNetwork;
import io.yolostream.detector.darknet.DarknetToOnnx;
import io.yolostream.detector.darknet.DarknetWeights;
import io.yolostream.detector.darknet.Fixtures;
import io.yolostream.detector.decode.DecodeOptions;
import io.yolostream.detector.decode.DetectedBox;
import io.yolostream.detector.model.ModelException;
import io.yolostream.detector.model.ModelInfo;
import io.yolostream.detector.preprocess.DarknetLetterbox;
import io.yolostream.detector.preprocess.RgbImage;
import io.yolostream.detector.runtime.Device;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class YoloDetectorTest {
    @TempDir
    static Path dir;
    static Path cfg;
    static Path weights;
    static Path onnx;

    @BeforeAll
    static void model() throws Exception {
        cfg = dir.resolve("tiny.cfg");
        Files.writeString(cfg, Fixtures.TINY_YOLOV2);
        DarknetNetwork net = DarknetNetwork.of(DarknetCfg.read(cfg));
        weights = dir.resolve("tiny.weights");
        Files.write(weights, Fixtures.randomWeights(net, 3, 0, 2));
        Path names = dir.resolve("tiny.names");
        Files.writeString(names, "cat\ndog\nbird\n");
        ModelInfo info = DarknetToOnnx.info(net, "tiny", List.of("cat", "dog", "bird"), null, "");
        onnx = dir.resolve("tiny.onnx");
        Files.write(onnx, DarknetToOnnx.convert(net, DarknetWeights.read(weights), info, null).toByteArray());
    }

    static RgbImage image(int w, int h, long seed) {
        byte[] px = new byte[w * h * 3];
        new Random(seed).nextBytes(px);
        return new RgbImage(w, h, px);
    }

    static YoloDetector open(ModelSource source, float thresh) {
        return YoloDetector.open(source, Device.CPU, 1, new DarknetLetterbox(), DecodeOptions.DEFAULTS.withThresh(thresh),
                null);
    }

    @Test
    void onnxFileAndDarknetPairGiveTheSameDetections() {
        RgbImage img = image(120, 90, 1);
        try (YoloDetector a = open(ModelSource.onnx(onnx, null), 0.05f);
             YoloDetector b = open(ModelSource.of(cfg, weights, dir.resolve("tiny.names"), null, null), 0.05f)) {
            assertEquals(a.info().names(), b.info().names());
            assertEquals(64, b.info().sourceHash().length(), "a darknet pair is identified by its sha256");
            List<DetectedBox> da = a.detect(List.of(img), 64, 96).detections().get(0);
            List<DetectedBox> db = b.detect(List.of(img), 64, 96).detections().get(0);
            assertFalse(da.isEmpty(), "random weights at thresh 0.05 should give some boxes");
            assertEquals(da, db);
            assertTrue(List.of("cat", "dog", "bird").contains(da.get(0).label()));
        }
    }

    @Test
    void theBuilderOpensWhatTheDocsShow() throws Exception {
        // the library example of docs/models.md, on the test's model and a real JPEG written here
        Path jpeg = dir.resolve("photo.jpg");
        Files.write(jpeg, io.yolostream.detector.opencv.OpenCvImages.encodeJpeg(image(160, 120, 4), 90));
        List<DetectedBox> viaBuilder;
        try (YoloDetector detector = YoloDetector.builder(ModelSource.onnx(onnx))
                .device(Device.CPU)
                .decode(DecodeOptions.DEFAULTS.withThresh(0.05f))
                .open()) {
            RgbImage image = io.yolostream.detector.opencv.OpenCvImages.read(jpeg);
            viaBuilder = detector.detect(List.of(image), 64, 64).detections().get(0);
        }
        try (YoloDetector d = open(ModelSource.onnx(onnx, null), 0.05f)) {
            assertEquals(d.detect(List.of(io.yolostream.detector.opencv.OpenCvImages.read(jpeg)), 64, 64)
                    .detections().get(0), viaBuilder, "the builder's defaults are the documented ones");
        }
        assertFalse(viaBuilder.isEmpty(), "random weights at thresh 0.05 should give some boxes");
        assertThrows(IllegalArgumentException.class, () -> YoloDetector.builder(ModelSource.onnx(onnx)).threads(-1));
        assertThrows(NullPointerException.class, () -> YoloDetector.builder(null));
    }

    @Test
    void aBatchGivesWhatSingleImagesGive() {
        List<RgbImage> imgs = List.of(image(100, 60, 1), image(50, 80, 2), image(64, 64, 3));
        try (YoloDetector d = open(ModelSource.onnx(onnx, null), 0.05f)) {
            YoloDetector.Batch batch = d.detect(imgs, 96, 64);
            assertEquals(3, batch.detections().size());
            for (int i = 0; i < imgs.size(); i++) {
                assertEquals(d.detect(List.of(imgs.get(i)), 96, 64).detections().get(0), batch.detections().get(i),
                        "image " + i);
            }
        }
    }

    @Test
    void sizesMustBeMultiplesOf32() {
        try (YoloDetector d = open(ModelSource.onnx(onnx, null), 0.24f)) {
            ModelException e = assertThrows(ModelException.class, () -> d.detect(List.of(image(10, 10, 1)), 415, 416));
            assertTrue(e.getMessage().contains("multiples of 32") && e.getMessage().contains("415"), e.getMessage());
            assertThrows(ModelException.class, () -> d.warmUp(1, 0, 32));
        }
    }

    @Test
    void useAfterCloseIsAClearError() {
        YoloDetector d = open(ModelSource.onnx(onnx, null), 0.24f);
        d.warmUp(1, 64, 64);
        d.close();
        d.close(); // idempotent
        ModelException e = assertThrows(ModelException.class, () -> d.detect(List.of(image(10, 10, 1)), 64, 64));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        FloatBuffer in = io.yolostream.detector.runtime.OrtRunner.allocateInput(3 * 64 * 64);
        assertThrows(ModelException.class, () -> d.infer(in, 1, 64, 64));
    }

    @Test
    void foreignOnnxNeedsAnchorsAndUsesThem() throws Exception {
        // the same graph without yolostream metadata, as if exported by another tool
        DarknetNetwork net = DarknetNetwork.of(DarknetCfg.read(cfg));
        ModelInfo info = DarknetToOnnx.info(net, "tiny", null, null, "");
        Path bare = dir.resolve("bare.onnx");
        byte[] withMeta = DarknetToOnnx.convert(net, DarknetWeights.read(weights), info, null).toByteArray();
        Files.write(bare, stripMetadata(withMeta));
        ModelException e = assertThrows(ModelException.class, () -> open(ModelSource.onnx(bare, null), 0.24f));
        assertTrue(e.getMessage().contains("--anchors"), e.getMessage());
        ModelSource.Overrides o = new ModelSource.Overrides(new float[]{1.08f, 1.19f, 3.42f, 4.41f},
                List.of("cat", "dog", "bird"), null);
        RgbImage img = image(120, 90, 1);
        try (YoloDetector foreign = open(ModelSource.onnx(bare, o), 0.05f);
             YoloDetector ours = open(ModelSource.onnx(onnx, null), 0.05f)) {
            assertEquals(3, foreign.info().classes());
            assertEquals(ours.detect(List.of(img), 64, 64).detections(), foreign.detect(List.of(img), 64, 64).detections());
        }
    }

    /** Drops ModelProto field 14 (metadata_props) from the top-level message. */
    static byte[] stripMetadata(byte[] model) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int i = 0;
        while (i < model.length) {
            int start = i;
            long tag = 0;
            int shift = 0;
            while (true) {
                int b = model[i++] & 0xff;
                tag |= (long) (b & 0x7f) << shift;
                shift += 7;
                if (b < 0x80) {
                    break;
                }
            }
            int wire = (int) (tag & 7);
            if (wire == 0) {
                while ((model[i++] & 0x80) != 0) {
                    // skip varint
                }
            } else if (wire == 2) {
                long len = 0;
                shift = 0;
                while (true) {
                    int b = model[i++] & 0xff;
                    len |= (long) (b & 0x7f) << shift;
                    shift += 7;
                    if (b < 0x80) {
                        break;
                    }
                }
                i += (int) len;
            } else {
                throw new IllegalStateException("unexpected wire type " + wire);
            }
            if ((tag >>> 3) != 14) {
                out.write(model, start, i - start);
            }
        }
        return out.toByteArray();
    }
}
