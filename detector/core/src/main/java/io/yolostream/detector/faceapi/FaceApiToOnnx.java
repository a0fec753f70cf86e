package io.yolostream.detector.faceapi;

import io.yolostream.detector.model.ModelException;
import io.yolostream.detector.model.ModelInfo;
import io.yolostream.detector.onnx.OnnxGraph;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Converts face-api's tiny face detector ({@code TinyFaceDetector}: {@code TinyYolov2Base.runMobilenet} with
 * {@code isFirstLayerConv2d}, filter sizes 3-16-32-64-128-256-512, no conv6/conv7) into an ONNX graph whose output
 * our {@link io.yolostream.detector.decode.RegionDecoder} decodes: {@code images [N,3,H,W]} (already preprocessed:
 * see {@link io.yolostream.detector.preprocess.FaceApiLetterbox}) to {@code output [N, 5*6, H/32, W/32]}.
 *
 * <p>The graph, as face-api's: conv0 3x3 'valid' (no padding) + bias + leaky; five blocks of (2x2 stride 2 max
 * pool, 'same') then a depthwise-separable conv (pad 1, depthwise 3x3, pointwise 1x1 + bias, leaky); a 2x2 stride 1
 * 'same' max pool; conv8 1x1 + bias. TF's 'same' pooling pads only at the end; for inputs that are multiples of 32 that
 * is one row/column exactly where the input is odd (after conv0's 'valid' shrinks W to W-2: the second pool) and
 * at the stride-1 pool, so fixed pads reproduce it. face-api's leaky is {@code relu(x - 0.1x) + 0.1x}, i.e.
 * LeakyRelu(0.1).
 */
public final class FaceApiToOnnx {
    public static final String INPUT = "images";
    public static final String OUTPUT = "output";
    public static final long OPSET = 13;
    public static final String NAME = "face-tiny";
    /** face-api's {@code BOX_ANCHORS} of the tiny face detector, in grid cells. */
    static final float[] ANCHORS = {1.603231f, 2.094468f, 6.041143f, 7.080126f, 2.882459f, 3.518061f,
            4.266906f, 5.178857f, 9.041765f, 10.66308f};
    static final int NUM = 5;
    private static final int[] FILTERS = {3, 16, 32, 64, 128, 256, 512};
    private static final int FACEAPI_ENTRIES = 5;

    private FaceApiToOnnx() {
    }

    /** The decoding facts: 5 anchors, one class "face", face-api's pad-bottom-right preprocessing, 416 nominal. */
    public static ModelInfo info(String sourceHash) {
        return new ModelInfo(NAME, ANCHORS, NUM, 4, 1, true, List.of("face"), null, 416, 416, 32,
                ModelInfo.FACEAPI_PAD, sourceHash);
    }

    /** Reads the manifest and weights and returns the ONNX model bytes. */
    public static byte[] toOnnx(Path manifestJson, Path weightsBin) {
        TfjsWeights w = TfjsWeights.read(manifestJson, weightsBin);
        return convert(w, info(sourceHash(manifestJson, weightsBin))).toByteArray();
    }

    /** sha256 over the weights then the manifest, as the darknet hash covers cfg then weights. */
    public static String sourceHash(Path manifestJson, Path weightsBin) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(Files.readAllBytes(weightsBin));
            md.update(Files.readAllBytes(manifestJson));
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new ModelException("face-api model " + manifestJson + " + " + weightsBin + ": cannot read it: " + e,
                    e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static OnnxGraph convert(TfjsWeights w, ModelInfo info) {
        if (info.outputChannels() != NUM * (FACEAPI_ENTRIES + 1)) {
            throw new ModelException("face-api model: expected metadata of " + NUM + " anchors and 1 class, found "
                    + info);
        }
        OnnxGraph g = new OnnxGraph(info.name(), OPSET);
        g.input(INPUT, "batch", 3L, "height", "width");
        String x = conv(g, "conv0", w.get("conv0/filters", 3, 3, 3, 16), w.get("conv0/bias", 16), INPUT, 0, 1);
        x = leaky(g, x, "conv0");
        for (int i = 1; i <= 5; i++) {
            // TF 'same' 2x2 pooling: one padded row/column at the end where the input is odd (see class comment).
            x = maxPool(g, x, "pool" + i, 2, i == 2 ? 1 : 0);
            x = separable(g, w, "conv" + i, FILTERS[i], FILTERS[i + 1], x);
        }
        x = maxPool(g, x, "pool6", 1, 1);
        x = finalConv(g, w.get("conv8/filters", 1, 1, 512, NUM * FACEAPI_ENTRIES),
                w.get("conv8/bias", NUM * FACEAPI_ENTRIES), x);
        g.node("Identity", List.of(x), List.of(OUTPUT)).add();
        g.output(OUTPUT, "batch", (long) info.outputChannels(), "grid_height", "grid_width");
        g.metadata(info.toMetadata());
        g.metadata(Map.of(ModelInfo.PREFIX + "source", "@vladmandic/face-api " + FaceApiPackage.VERSION
                + " model/tiny_face_detector_model (MIT)"));
        return g;
    }

    private static String maxPool(OnnxGraph g, String x, String name, long stride, long padEnd) {
        g.node("MaxPool", List.of(x), List.of(name))
                .attr("kernel_shape", 2, 2)
                .attr("strides", stride, stride)
                .attr("pads", 0, 0, padEnd, padEnd)
                .add();
        return name;
    }

    private static String separable(OnnxGraph g, TfjsWeights w, String p, int in, int out, String x) {
        TfjsWeights.Tensor dw = w.get(p + "/depthwise_filter", 3, 3, in, 1);
        float[] dwk = new float[in * 9];
        for (int c = 0; c < in; c++) {
            for (int k = 0; k < 9; k++) {
                dwk[c * 9 + k] = dw.values()[k * in + c];
            }
        }
        g.floatInitializer(p + ".depthwise.weight", dwk, in, 1, 3, 3);
        g.node("Conv", List.of(x, p + ".depthwise.weight"), List.of(p + ".depthwise"))
                .attr("kernel_shape", 3, 3)
                .attr("pads", 1, 1, 1, 1)
                .attr("group", (long) in)
                .add();
        String y = conv(g, p + ".pointwise", w.get(p + "/pointwise_filter", 1, 1, in, out), w.get(p + "/bias", out),
                p + ".depthwise", 0, 1);
        return leaky(g, y, p);
    }

    /** A TF conv (HWIO filters) as an ONNX Conv (OIHW). */
    private static String conv(OnnxGraph g, String p, TfjsWeights.Tensor filters, TfjsWeights.Tensor bias, String x,
                               long pad, long stride) {
        int[] s = filters.shape();
        int kh = s[0];
        int kw = s[1];
        int cin = s[2];
        int cout = s[3];
        g.floatInitializer(p + ".weight", toOihw(filters.values(), kh, kw, cin, cout), cout, cin, kh, kw);
        g.floatInitializer(p + ".bias", bias.values(), cout);
        g.node("Conv", List.of(x, p + ".weight", p + ".bias"), List.of(p))
                .attr("kernel_shape", kh, kw)
                .attr("strides", stride, stride)
                .attr("pads", pad, pad, pad, pad)
                .add();
        return p;
    }

    /**
     * conv8, widened from face-api's 5 entries per anchor (x, y, w, h, objectness) to darknet's region layout with
     * one class channel per anchor whose weights and bias are 0. Softmax over a single class is exactly 1, so the
     * decoder's probability is logistic(objectness): face-api's score for its one-class detector (withClassScores
     * false). This keeps one decoding path (RegionDecoder, its NMS and box correction) for every model, at the cost
     * of five constant output planes.
     */
    private static String finalConv(OnnxGraph g, TfjsWeights.Tensor filters, TfjsWeights.Tensor bias, String x) {
        int cin = filters.shape()[2];
        int per = FACEAPI_ENTRIES + 1;
        float[] src = toOihw(filters.values(), 1, 1, cin, NUM * FACEAPI_ENTRIES);
        float[] weight = new float[NUM * per * cin];
        float[] b = new float[NUM * per];
        for (int a = 0; a < NUM; a++) {
            for (int e = 0; e < FACEAPI_ENTRIES; e++) {
                int from = a * FACEAPI_ENTRIES + e;
                int to = a * per + e;
                System.arraycopy(src, from * cin, weight, to * cin, cin);
                b[to] = bias.values()[from];
            }
        }
        g.floatInitializer("conv8.weight", weight, NUM * per, cin, 1, 1);
        g.floatInitializer("conv8.bias", b, NUM * per);
        g.node("Conv", List.of(x, "conv8.weight", "conv8.bias"), List.of("conv8"))
                .attr("kernel_shape", 1, 1)
                .add();
        return "conv8";
    }

    private static String leaky(OnnxGraph g, String x, String p) {
        g.node("LeakyRelu", List.of(x), List.of(p + ".leaky")).attr("alpha", 0.1f).add();
        return p + ".leaky";
    }

    static float[] toOihw(float[] hwio, int kh, int kw, int cin, int cout) {
        float[] out = new float[hwio.length];
        for (int i = 0; i < kh; i++) {
            for (int j = 0; j < kw; j++) {
                for (int ci = 0; ci < cin; ci++) {
                    for (int co = 0; co < cout; co++) {
                        out[((co * cin + ci) * kh + i) * kw + j] = hwio[((i * kw + j) * cin + ci) * cout + co];
                    }
                }
            }
        }
        return out;
    }
}
