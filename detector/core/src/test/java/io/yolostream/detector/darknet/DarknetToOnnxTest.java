package io.yolostream.detector.darknet;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.yolostream.detector.model.ModelException;
import io.yolostream.detector.model.ModelInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DarknetToOnnxTest {
    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    /** Runs the converted graph and returns [shape..., data] of its output for one batch. */
    static float[] runOnnx(byte[] model, float[] images, int batch, int h, int w, long[] shapeOut) throws OrtException {
        try (OrtSession s = ENV.createSession(model, new OrtSession.SessionOptions());
             OnnxTensor in = OnnxTensor.createTensor(ENV, FloatBuffer.wrap(images), new long[]{batch, 3, h, w});
             OrtSession.Result r = s.run(Map.of(DarknetToOnnx.INPUT, in))) {
            OnnxTensor out = (OnnxTensor) r.get(0);
            long[] shape = out.getInfo().getShape();
            System.arraycopy(shape, 0, shapeOut, 0, 4);
            FloatBuffer fb = out.getFloatBuffer();
            float[] data = new float[fb.remaining()];
            fb.get(data);
            return data;
        }
    }

    static byte[] convert(DarknetNetwork net, byte[] weights) {
        ModelInfo info = DarknetToOnnx.info(net, "test", null, null, "");
        return DarknetToOnnx.convert(net, DarknetWeights.of(weights, "test.weights"), info, null).toByteArray();
    }

    static void assertMatchesReference(String cfg, int batch, int h, int w) throws OrtException {
        DarknetNetwork net = Fixtures.network(cfg);
        byte[] weights = Fixtures.randomWeights(net, 42, 0, 2);
        byte[] model = convert(net, weights);
        float[] images = Fixtures.randomImages(batch, h, w, 7);
        long[] shape = new long[4];
        float[] got = runOnnx(model, images, batch, h, w, shape);
        int per = 3 * h * w;
        int outPer = got.length / batch;
        for (int b = 0; b < batch; b++) {
            float[] one = Arrays.copyOfRange(images, b * per, (b + 1) * per);
            List<ReferenceDarknet.Tensor> ref = ReferenceDarknet.forward(net, DarknetWeights.of(weights, "w"), one, h, w);
            ReferenceDarknet.Tensor last = ref.get(ref.size() - 2); // the layer feeding [region]
            assertArrayEquals(new long[]{batch, last.c(), last.h(), last.w()}, shape, "output shape");
            float maxDiff = 0;
            for (int i = 0; i < outPer; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(got[b * outPer + i] - last.data()[i]));
            }
            assertTrue(maxDiff < 1e-4, "max abs diff vs reference " + maxDiff + " at " + w + "x" + h);
        }
    }

    @ParameterizedTest(name = "{0}x{1}, batch {2}")
    @CsvSource({"64,64,1", "96,64,2", "64,160,1", "128,96,3"})
    void tinyYolov2MatchesReferenceForwardAtManySizes(int w, int h, int batch) throws OrtException {
        assertMatchesReference(Fixtures.TINY_YOLOV2, batch, h, w);
    }

    private static String net(int w, int h, String layers) {
        return "[net]\nwidth=" + w + "\nheight=" + h + "\nchannels=3\n" + layers;
    }

    private static final String REGION_1 = """
            [convolutional]
            filters=6
            size=1
            stride=1
            pad=1
            activation=linear
            [region]
            anchors=1,1
            classes=1
            num=1
            """;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "conv 3x3 bn leaky|[convolutional];batch_normalize=1;filters=5;size=3;stride=1;pad=1;activation=leaky",
            "conv 2x2 stride 2 no pad|[convolutional];filters=5;size=2;stride=2;pad=0;activation=leaky",
            "conv padding=2|[convolutional];filters=4;size=5;stride=1;padding=2;activation=linear",
            "maxpool 2/2|[maxpool];size=2;stride=2",
            "maxpool 2/1 keeps size|[maxpool];size=2;stride=1",
            "maxpool 3/2|[maxpool];size=3;stride=2",
            "maxpool 2/2 twice on odd input|[maxpool];size=2;stride=2;[maxpool];size=2;stride=2",
            "reorg|[convolutional];filters=8;size=1;stride=1;pad=1;activation=leaky;[reorg];stride=2",
            "route concat|[convolutional];filters=3;size=1;stride=1;activation=linear;[convolutional];filters=2;size=3;stride=1;pad=1;activation=leaky;[route];layers=-2,0,-1",
    })
    void eachLayerTypeMatchesReference(String name, String layers) throws OrtException {
        String cfg = net(64, 64, layers.replace(";", "\n") + "\n" + REGION_1);
        for (int[] hw : new int[][]{{10, 14}, {26, 26}, {12, 20}}) {
            assertMatchesReference(cfg, 2, hw[0], hw[1]);
        }
    }

    @Test
    void maxpoolSize2Stride1KeepsTheGrid() throws OrtException {
        String cfg = net(64, 64, "[maxpool]\nsize=2\nstride=1\n" + REGION_1);
        DarknetNetwork n = Fixtures.network(cfg);
        DarknetLayer.MaxPool m = (DarknetLayer.MaxPool) n.layers().get(0);
        assertEquals(64, m.outHeight());
        long[] shape = new long[4];
        runOnnx(convert(n, Fixtures.randomWeights(n, 1, 0, 2)), Fixtures.randomImages(1, 13, 13, 1), 1, 13, 13, shape);
        assertArrayEquals(new long[]{1, 6, 13, 13}, shape);
    }

    @Test
    void reorgFollowsDarknetNotSpaceToDepth() {
        // channel k of the output at (j, i) reads the input viewed as [C/4][2H][2W] (darknet reorg_cpu, forward=0)
        ReferenceDarknet.Tensor x = new ReferenceDarknet.Tensor(4, 2, 2, new float[16]);
        for (int i = 0; i < 16; i++) {
            x.data()[i] = i;
        }
        ReferenceDarknet.Tensor y = ReferenceDarknet.reorg(2, x);
        assertEquals(16, y.c());
        // darknet views the input as [C/4][2H][2W] = one 4x4 plane 0..15: channel dy*2+dx takes rows 2j+dy, cols 2i+dx
        assertArrayEquals(new float[]{0, 2, 8, 10, 1, 3, 9, 11, 4, 6, 12, 14, 5, 7, 13, 15}, y.data());
    }

    @Test
    void bothWeightsHeaderVersionsLoad() throws OrtException {
        DarknetNetwork n = Fixtures.network(Fixtures.TINY_YOLOV2);
        byte[] v1 = Fixtures.randomWeights(n, 5, 0, 1);
        byte[] v2 = Fixtures.randomWeights(n, 5, 0, 2);
        assertEquals(16, DarknetWeights.of(v1, "a").headerBytes());
        assertEquals(20, DarknetWeights.of(v2, "b").headerBytes());
        assertEquals(v1.length + 4, v2.length);
        long[] s = new long[4];
        float[] images = Fixtures.randomImages(1, 64, 64, 3);
        assertArrayEquals(runOnnx(convert(n, v1), images, 1, 64, 64, s), runOnnx(convert(n, v2), images, 1, 64, 64, s));
    }

    @Test
    void truncatedAndOversizedWeightsSayWhatWasExpected() {
        DarknetNetwork n = Fixtures.network(Fixtures.TINY_YOLOV2);
        byte[] good = Fixtures.randomWeights(n, 5, 0, 2);
        long expected = n.weightCount();
        byte[] shorter = Arrays.copyOf(good, good.length - 40);
        ModelException e = assertThrows(ModelException.class, () -> convert(n, shorter));
        assertTrue(e.getMessage().contains("needs exactly " + expected + " floats, found " + (expected - 10)),
                e.getMessage());
        byte[] longer = Arrays.copyOf(good, good.length + 8);
        e = assertThrows(ModelException.class, () -> convert(n, longer));
        assertTrue(e.getMessage().contains("found " + (expected + 2)), e.getMessage());
        byte[] stray = Arrays.copyOf(good, good.length + 3);
        e = assertThrows(ModelException.class, () -> convert(n, stray));
        assertTrue(e.getMessage().contains("stray bytes"), e.getMessage());
        e = assertThrows(ModelException.class, () -> DarknetWeights.of(new byte[10], "tiny.weights"));
        assertTrue(e.getMessage().contains("tiny.weights"), e.getMessage());
    }

    @Test
    void unknownLayerIsRefusedWithItsLine() {
        String cfg = net(64, 64, "[convolutional]\nfilters=6\nsize=1\nactivation=linear\n\n[shortcut]\nfrom=-1\n"
                + REGION_1);
        ModelException e = assertThrows(ModelException.class, () -> Fixtures.network(cfg));
        assertTrue(e.getMessage().contains("test.cfg:10") && e.getMessage().contains("shortcut"), e.getMessage());
    }

    @Test
    void unsupportedActivationAndBadRouteAreRefused() {
        ModelException e = assertThrows(ModelException.class, () -> Fixtures.network(
                net(64, 64, "[convolutional]\nfilters=6\nsize=1\nactivation=mish\n" + REGION_1)));
        assertTrue(e.getMessage().contains("test.cfg:8") && e.getMessage().contains("mish"), e.getMessage());
        e = assertThrows(ModelException.class, () -> Fixtures.network(
                net(64, 64, "[convolutional]\nfilters=6\nsize=1\nactivation=linear\n[route]\nlayers=-3\n" + REGION_1)));
        assertTrue(e.getMessage().contains("layers") && e.getMessage().contains("-3"), e.getMessage());
        e = assertThrows(ModelException.class, () -> Fixtures.network(
                net(64, 64, "[convolutional]\nfilters=7\nsize=1\nactivation=linear\n[region]\nanchors=1,1\nclasses=1\nnum=1\n")));
        assertTrue(e.getMessage().contains("6 channels, found 7"), e.getMessage());
    }

    @Test
    void metadataDescribesTheModel() throws OrtException {
        DarknetNetwork n = Fixtures.network(Fixtures.TINY_YOLOV2);
        ModelInfo info = DarknetToOnnx.info(n, "tiny", List.of("a", "b", "c"), null, "abc");
        byte[] model = DarknetToOnnx.convert(n, DarknetWeights.of(Fixtures.randomWeights(n, 1, 0, 2), "w"), info, null)
                .toByteArray();
        try (OrtSession s = ENV.createSession(model, new OrtSession.SessionOptions())) {
            Map<String, String> meta = s.getMetadata().getCustomMetadata();
            ModelInfo back = ModelInfo.fromMetadata(meta, "tiny.onnx");
            assertEquals(info, back);
            assertEquals(32, back.stride());
            assertArrayEquals(new float[]{1.08f, 1.19f, 3.42f, 4.41f}, back.anchors());
            assertEquals(Fixtures.TINY_YOLOV2, meta.get("yolostream.cfg"));
        }
    }
}
