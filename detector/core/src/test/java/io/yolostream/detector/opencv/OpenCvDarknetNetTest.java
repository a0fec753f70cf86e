package io.yolostream.detector.opencv;

import io.yolostream.detector.model.ModelException;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OpenCvDarknetNetTest {
    @TempDir
    Path dir;

    /** conv(bn, leaky) 3->8 3x3, maxpool /2, conv 8->30 1x1 linear, region with 5 anchors x (4+1+1). */
    private static final String SMALL_CFG = """
            [net]
            width=64
            height=64
            channels=3

            [convolutional]
            batch_normalize=1
            filters=8
            size=3
            stride=1
            pad=1
            activation=leaky

            [maxpool]
            size=2
            stride=2

            [convolutional]
            filters=30
            size=1
            stride=1
            pad=1
            activation=linear

            [region]
            anchors=1,1,2,2,3,3,4,4,5,5
            classes=1
            coords=4
            num=5
            softmax=1
            """;

    private OpenCvDarknetNet smallNet() throws IOException {
        Path cfg = TinyDarknet.writeCfg(dir, "small", SMALL_CFG);
        Path weights = TinyDarknet.writeWeights(dir, "small",
                TinyDarknet.values(8, 1),                   // biases
                TinyDarknet.values(8, 2),                   // scales
                TinyDarknet.values(8, 3),                   // rolling mean
                TinyDarknet.filled(8, 0.5f),                // rolling variance (positive)
                TinyDarknet.values(8 * 3 * 3 * 3, 4),       // conv1 weights
                TinyDarknet.values(30, 5),                  // conv2 biases
                TinyDarknet.values(30 * 8, 6));             // conv2 weights
        return OpenCvDarknetNet.load(cfg, weights);
    }

    private static FloatBuffer input(int batch, int h, int w, int seed) {
        float[] v = TinyDarknet.values(batch * 3 * h * w, seed);
        for (int i = 0; i < v.length; i++) {
            v[i] = (v[i] + 1f) / 2f; // 0..1 like a letterboxed image
        }
        return FloatBuffer.wrap(v);
    }

    @Test
    void readsTheLastConvNotTheRegionOutput() throws IOException {
        try (OpenCvDarknetNet net = smallNet()) {
            assertEquals("conv_2", net.outputLayerName(), net.layerNames().toString());
            assertEquals(30, net.lastConvChannels());
            assertEquals(1 * 30 * 32 * 32, net.forwardLastConv(input(1, 64, 64, 7), 1, 64, 64).length);
            assertEquals(2 * 30 * 32 * 32, net.forwardLastConv(input(2, 64, 64, 7), 2, 64, 64).length);
            // Non-square: width 96, height 64.
            assertEquals(2 * 30 * 32 * 48, net.forwardLastConv(input(2, 64, 96, 8), 2, 64, 96).length);
        }
    }

    @Test
    void batchItemsMatchSingleRuns() throws IOException {
        try (OpenCvDarknetNet net = smallNet()) {
            FloatBuffer both = input(2, 64, 96, 9);
            float[] batched = net.forwardLastConv(both, 2, 64, 96);
            int in = 3 * 64 * 96;
            int out = batched.length / 2;
            for (int b = 0; b < 2; b++) {
                float[] single = net.forwardLastConv(both.duplicate().position(b * in), 1, 64, 96);
                float[] slice = Arrays.copyOfRange(batched, b * out, (b + 1) * out);
                assertArrayEquals(single, slice, 1e-5f, "batch item " + b);
            }
            assertEquals(0, both.position(), "the input buffer's position is left alone");
        }
    }

    /** A 1x1 linear conv followed by [region]: output must be the raw w.x+b (no logistic/softmax applied). */
    @Test
    void matchesHandComputedLinearConv() throws IOException {
        Path cfg = TinyDarknet.writeCfg(dir, "linear", """
                [net]
                width=6
                height=4
                channels=3

                [convolutional]
                filters=6
                size=1
                stride=1
                pad=0
                activation=linear

                [region]
                anchors=1,1
                classes=1
                coords=4
                num=1
                softmax=1
                """);
        int filters = 6;
        float[] bias = TinyDarknet.values(filters, 11);
        float[] w = new float[filters * 3];
        for (int i = 0; i < w.length; i++) {
            w[i] = (i % 5) - 2f + 0.25f * (i % 3); // includes negatives and values > 1
        }
        Path weights = TinyDarknet.writeWeights(dir, "linear", bias, w);
        int h = 4;
        int width = 6;
        int plane = h * width;
        float[] x = new float[3 * plane];
        for (int i = 0; i < x.length; i++) {
            x[i] = i / (float) x.length; // distinct per channel and pixel: catches layout mix-ups
        }
        try (OpenCvDarknetNet net = OpenCvDarknetNet.load(cfg, weights)) {
            assertEquals("conv_0", net.outputLayerName());
            float[] y = net.forwardLastConv(FloatBuffer.wrap(x), 1, h, width);
            assertEquals(filters * plane, y.length);
            for (int f = 0; f < filters; f++) {
                for (int p = 0; p < plane; p++) {
                    float expected = bias[f];
                    for (int c = 0; c < 3; c++) {
                        expected += w[f * 3 + c] * x[c * plane + p];
                    }
                    assertEquals(expected, y[f * plane + p], 1e-5f, "filter " + f + " pixel " + p);
                }
            }
        }
    }

    /** A conv block with batch norm and leaky: the output is after both (darknet's l.output). */
    @Test
    void lastBlockIncludesBatchNormAndActivation() throws IOException {
        Path cfg = TinyDarknet.writeCfg(dir, "bn", """
                [net]
                width=2
                height=2
                channels=3

                [convolutional]
                batch_normalize=1
                filters=6
                size=1
                stride=1
                pad=0
                activation=leaky

                [region]
                anchors=1,1
                classes=1
                coords=4
                num=1
                """);
        int filters = 6;
        float[] bias = new float[filters];
        float[] scale = new float[filters];
        float[] mean = new float[filters];
        float[] var = new float[filters];
        float[] w = new float[filters * 3];
        for (int f = 0; f < filters; f++) {
            bias[f] = 0.1f - 0.1f * f;
            scale[f] = 2f / (f + 1);
            mean[f] = 0.3f * f - 0.5f;
            var[f] = 0.25f + f;
            for (int c = 0; c < 3; c++) {
                w[f * 3 + c] = ((f + 2 * c) % 5 - 2) * 0.5f;
            }
        }
        Path weights = TinyDarknet.writeWeights(dir, "bn", bias, scale, mean, var, w);
        float[] x = {0.1f, 0.2f, 0.3f, 0.4f, 0.9f, 0.8f, 0.7f, 0.6f, 0f, 0.5f, 1f, 0.25f};
        try (OpenCvDarknetNet net = OpenCvDarknetNet.load(cfg, weights)) {
            assertTrue(net.outputLayerName().startsWith("leaky_"), net.layerNames().toString());
            float[] y = net.forwardLastConv(FloatBuffer.wrap(x), 1, 2, 2);
            boolean negativeSeen = false;
            for (int f = 0; f < filters; f++) {
                for (int p = 0; p < 4; p++) {
                    float conv = w[f * 3] * x[p] + w[f * 3 + 1] * x[4 + p] + w[f * 3 + 2] * x[8 + p];
                    float bn = scale[f] * (conv - mean[f]) / (float) Math.sqrt(var[f] + 1e-6) + bias[f];
                    negativeSeen |= bn < 0;
                    float expected = bn > 0 ? bn : 0.1f * bn;
                    assertEquals(expected, y[f * 4 + p], 1e-4f, "filter " + f + " pixel " + p);
                }
            }
            assertTrue(negativeSeen, "the fixture exercises the leaky slope");
        }
    }

    @Test
    void missingCfgNamesTheFile() {
        Path cfg = dir.resolve("nope.cfg");
        ModelException e = assertThrows(ModelException.class,
                () -> OpenCvDarknetNet.load(cfg, dir.resolve("nope.weights")));
        assertTrue(e.getMessage().contains(cfg.toString()), e.getMessage());
    }

    @Test
    void unreadableCfgNamesTheFile() throws IOException {
        Path cfg = TinyDarknet.writeCfg(dir, "junk", "[net]\nwidth=8\nheight=8\nchannels=3\n\n[convolutional]\n"
                + "filters=2\nsize=1\nactivation=bogus\n");
        Path weights = TinyDarknet.writeWeights(dir, "junk", new float[8]);
        ModelException e = assertThrows(ModelException.class, () -> OpenCvDarknetNet.load(cfg, weights));
        assertTrue(e.getMessage().contains(cfg.toString()), e.getMessage());
    }

    @Test
    void truncatedWeightsNameTheFiles() throws IOException {
        Path cfg = TinyDarknet.writeCfg(dir, "short", SMALL_CFG);
        Path weights = TinyDarknet.writeWeights(dir, "short", TinyDarknet.values(20, 1));
        ModelException e = assertThrows(ModelException.class, () -> OpenCvDarknetNet.load(cfg, weights));
        assertTrue(e.getMessage().contains(weights.toString()), e.getMessage());
        // 8 biases + 8 scales + 8 means + 8 variances + 8*3*3*3 weights, then 30 biases + 30*8 weights.
        assertTrue(e.getMessage().contains("expected 518 floats"), e.getMessage());
        assertTrue(e.getMessage().contains("found 20"), e.getMessage());
    }

    /** YOLO9000's region (tree=) is not supported by OpenCV; it is dropped, so the conv output still comes back. */
    @Test
    void softmaxTreeRegionIsDropped() throws IOException {
        Path cfg = TinyDarknet.writeCfg(dir, "tree", SMALL_CFG.replace("softmax=1", "softmax=1\ntree=data/9k.tree"));
        Path weights = TinyDarknet.writeWeights(dir, "tree", new float[518]);
        try (OpenCvDarknetNet net = OpenCvDarknetNet.load(cfg, weights)) {
            assertEquals(List.of("conv_0", "bn_0", "leaky_1", "pool_1", "conv_2"), net.layerNames());
            assertEquals(30 * 32 * 32, net.forwardLastConv(input(1, 64, 64, 1), 1, 64, 64).length);
        }
    }

    @Test
    void lastLayerMustBeConvolutional() throws IOException {
        Path cfg = TinyDarknet.writeCfg(dir, "pool", "[net]\nwidth=8\nheight=8\nchannels=3\n\n[maxpool]\nsize=2\n"
                + "stride=2\n");
        Path weights = TinyDarknet.writeWeights(dir, "pool");
        ModelException e = assertThrows(ModelException.class, () -> OpenCvDarknetNet.load(cfg, weights));
        assertTrue(e.getMessage().contains("found [maxpool]"), e.getMessage());
    }

    @Test
    void shortInputIsRejected() throws IOException {
        try (OpenCvDarknetNet net = smallNet()) {
            ModelException e = assertThrows(ModelException.class,
                    () -> net.forwardLastConv(FloatBuffer.allocate(10), 1, 64, 64));
            assertTrue(e.getMessage().contains("found 10"), e.getMessage());
        }
    }

    /** Every native object made per call is freed at the end of the call (JavaCPP counts live ones). */
    @Test
    void repeatedForwardsLeaveNoNativeObjects() throws IOException {
        try (OpenCvDarknetNet net = smallNet()) {
            FloatBuffer in = input(1, 64, 64, 3);
            float[] first = net.forwardLastConv(in, 1, 64, 64);
            long live = Pointer.totalCount();
            for (int i = 0; i < 50; i++) {
                assertArrayEquals(first, net.forwardLastConv(in, 1, 64, 64));
            }
            assertTrue(Pointer.totalCount() <= live, "live JavaCPP pointers grew from " + live + " to "
                    + Pointer.totalCount());
        }
    }
}
