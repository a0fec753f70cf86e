package io.yolostream.detector.faceapi;

import io.yolostream.detector.ModelSource;
import io.yolostream.detector.YoloDetector;
import io.yolostream.detector.decode.DecodeOptions;
import io.yolostream.detector.model.ModelException;
import io.yolostream.detector.model.ModelInfo;
import io.yolostream.detector.opencv.Preprocessors;
import io.yolostream.detector.runtime.Device;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FaceApiToOnnxTest {
    static final String MANIFEST = """
            [{"paths": ["w.bin"], "weights": [
              {"name": "q", "shape": [2, 3], "dtype": "float32",
               "quantization": {"dtype": "uint8", "scale": 0.5, "min": -1.0}},
              {"name": "f", "shape": [2], "dtype": "float32"}]}]""";

    static byte[] fixtureBin() {
        ByteBuffer b = ByteBuffer.allocate(6 + 8).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[]{0, 1, 2, 3, 4, (byte) 255});
        b.putFloat(1.5f).putFloat(-2.25f);
        return b.array();
    }

    @Test
    void readsQuantisedAndFloatTensorsInManifestOrder() {
        TfjsWeights w = TfjsWeights.parse(MANIFEST, fixtureBin(), "fixture");
        assertEquals(2, w.tensors().size());
        assertEquals("q", w.tensors().get(0).name());
        assertArrayEquals(new float[]{-1f, -0.5f, 0f, 0.5f, 1f, 126.5f}, w.get("q", 2, 3).values());
        assertArrayEquals(new float[]{1.5f, -2.25f}, w.get("f", 2).values());
    }

    @Test
    void badWeightsNameWhatWasExpected() {
        byte[] bin = fixtureBin();
        ModelException shortBin = assertThrows(ModelException.class,
                () -> TfjsWeights.parse(MANIFEST, java.util.Arrays.copyOf(bin, 10), "fixture"));
        assertTrue(shortBin.getMessage().contains("expected 8 bytes at offset 6, found 4"), shortBin.getMessage());
        ModelException longBin = assertThrows(ModelException.class,
                () -> TfjsWeights.parse(MANIFEST, java.util.Arrays.copyOf(bin, 15), "fixture"));
        assertTrue(longBin.getMessage().contains("expected 14 bytes of weights"), longBin.getMessage());
        ModelException dtype = assertThrows(ModelException.class, () -> TfjsWeights.parse(
                MANIFEST.replace("\"uint8\"", "\"float16\""), bin, "fixture"));
        assertTrue(dtype.getMessage().contains("found 'float16'"), dtype.getMessage());
        ModelException shape = assertThrows(ModelException.class,
                () -> TfjsWeights.parse(MANIFEST, bin, "fixture").get("q", 3, 2));
        assertTrue(shape.getMessage().contains("expected q of shape [3, 2], found [2, 3]"), shape.getMessage());
    }

    @Test
    void convertedModelCarriesDarknetStyleMetadata() throws Exception {
        FaceApiPackage.Extracted f = FaceApiFixture.files();
        TfjsWeights w = TfjsWeights.read(f.manifest());
        assertEquals(19, w.tensors().size());
        try (YoloDetector d = YoloDetector.open(ModelSource.onnx(FaceApiFixture.onnx(), null), Device.CPU, 1,
                Preprocessors.byName("darknet"), DecodeOptions.DEFAULTS, null)) {
            ModelInfo info = d.info();
            assertEquals("face-tiny", info.name());
            assertEquals(5, info.num());
            assertEquals(1, info.classes());
            assertEquals(30, info.outputChannels());
            assertArrayEquals(FaceApiToOnnx.ANCHORS, info.anchors());
            assertEquals(ModelInfo.FACEAPI_PAD, info.preprocess());
            assertEquals(416, info.inputWidth());
            assertEquals(32, info.stride());
            assertEquals(FaceApiToOnnx.sourceHash(f.manifest(), f.weights()), info.sourceHash());
            assertEquals("faceapi", d.preprocessor().name());
        }
        ModelException refused = assertThrows(ModelException.class, () -> YoloDetector.open(
                ModelSource.onnx(FaceApiFixture.onnx(), null), Device.CPU, 1, Preprocessors.byName("opencv"),
                DecodeOptions.DEFAULTS, null));
        assertTrue(refused.getMessage().contains("expected preprocess darknet or faceapi"), refused.getMessage());
    }

    /** The ONNX graph against a direct transcription of face-api's TF.js graph (NHWC) on a 64x96 input. */
    @Test
    void onnxOutputEqualsFaceApisGraph() throws Exception {
        int h = 64;
        int wd = 96;
        float[] nhwc = new float[h * wd * 3];
        Random r = new Random(7);
        for (int i = 0; i < nhwc.length; i++) {
            nhwc[i] = (r.nextInt(256) - 110) / 255f;
        }
        TfjsWeights w = TfjsWeights.read(FaceApiFixture.files().manifest());
        ReferenceFaceApi.Tensor ref = ReferenceFaceApi.forward(w, new ReferenceFaceApi.Tensor(h, wd, 3, nhwc));
        assertEquals(h / 32, ref.h());
        assertEquals(wd / 32, ref.w());
        try (YoloDetector d = YoloDetector.open(ModelSource.onnx(FaceApiFixture.onnx(), null), Device.CPU, 1,
                Preprocessors.byName("darknet"), DecodeOptions.DEFAULTS, null)) {
            FloatBuffer in = io.yolostream.detector.runtime.OrtRunner.allocateInput(3 * h * wd);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < wd; x++) {
                    for (int c = 0; c < 3; c++) {
                        in.put(c * h * wd + y * wd + x, nhwc[(y * wd + x) * 3 + c]);
                    }
                }
            }
            FloatBuffer out = d.infer(in, 1, wd, h);
            int cells = ref.h() * ref.w();
            double maxDiff = 0;
            for (int a = 0; a < 5; a++) {
                for (int y = 0; y < ref.h(); y++) {
                    for (int x = 0; x < ref.w(); x++) {
                        for (int e = 0; e < 5; e++) {
                            float ours = out.get((a * 6 + e) * cells + y * ref.w() + x);
                            maxDiff = Math.max(maxDiff, Math.abs(ours - ref.get(y, x, a * 5 + e)));
                        }
                        assertEquals(0f, out.get((a * 6 + 5) * cells + y * ref.w() + x), "constant class channel");
                    }
                }
            }
            assertTrue(maxDiff < 1e-3, "max difference " + maxDiff);
        }
    }
}
