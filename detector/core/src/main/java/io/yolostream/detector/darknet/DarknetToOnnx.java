package io.yolostream.detector.darknet;

import io.yolostream.detector.darknet.DarknetLayer.Activation;
import io.yolostream.detector.model.ModelException;
import io.yolostream.detector.model.ModelInfo;
import io.yolostream.detector.onnx.OnnxGraph;
import io.yolostream.wordtree.WordTree;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * Converts a darknet YOLOv2 network and its weights into an ONNX graph (opset 13) that computes the raw last
 * convolution, {@code [N, num*(coords+1+classes), H/stride, W/stride]}, for input {@code images [N, 3, H, W]} with
 * symbolic N, H and W. Batch norm is folded into the convolutions exactly as darknet normalises
 * ({@code (x-mean)/(sqrt(var)+1e-6)}: epsilon outside the root).
 */
public final class DarknetToOnnx {
    public static final String INPUT = "images";
    public static final String OUTPUT = "output";
    public static final long OPSET = 13;

    private DarknetToOnnx() {
    }

    /**
     * @param progress receives the number of weight floats consumed so far (for progress bars); may be null
     */
    public static OnnxGraph convert(DarknetNetwork net, DarknetWeights weights, ModelInfo info, LongConsumer progress) {
        weights.requireCount(net.weightCount(), net.cfg().source());
        OnnxGraph g = new OnnxGraph(info.name(), OPSET);
        g.input(INPUT, "batch", 3L, "height", "width");
        DarknetWeights.Cursor cursor = weights.cursor();
        List<String> names = new ArrayList<>();
        String prev = INPUT;
        for (DarknetLayer layer : net.layers()) {
            String out = "layer" + layer.index();
            if (layer instanceof DarknetLayer.Convolutional c) {
                convolutional(g, c, cursor, prev, out);
            } else if (layer instanceof DarknetLayer.MaxPool m) {
                int before = m.padding() / 2;
                int after = m.padding() - before;
                g.node("MaxPool", List.of(prev), List.of(out))
                        .attr("kernel_shape", m.size(), m.size())
                        .attr("strides", m.stride(), m.stride())
                        .attr("pads", before, before, after, after)
                        .add();
            } else if (layer instanceof DarknetLayer.Route r) {
                if (r.layers().length == 1) {
                    out = names.get(r.layers()[0]);
                } else {
                    List<String> in = new ArrayList<>();
                    for (int l : r.layers()) {
                        in.add(names.get(l));
                    }
                    g.node("Concat", in, List.of(out)).attr("axis", 1L).add();
                }
            } else if (layer instanceof DarknetLayer.Reorg r) {
                reorg(g, r, prev, out);
            } else {
                g.node("Identity", List.of(prev), List.of(OUTPUT)).add();
            }
            names.add(out);
            prev = out;
            if (progress != null) {
                progress.accept(cursor.position());
            }
        }
        g.output(OUTPUT, "batch", (long) info.outputChannels(), "grid_height", "grid_width");
        Map<String, String> meta = info.toMetadata();
        g.metadata(meta);
        g.metadata(Map.of(ModelInfo.PREFIX + "cfg", net.cfg().text(),
                ModelInfo.PREFIX + "weights.version", weights.version(),
                ModelInfo.PREFIX + "weights.seen", Long.toString(weights.seen())));
        return g;
    }

    /** The decoding facts of a network, from its region layer plus names and an optional tree. */
    public static ModelInfo info(DarknetNetwork net, String name, List<String> names, WordTree tree, String hash) {
        DarknetLayer.Region r = net.region();
        List<String> labels = names == null ? ModelInfo.placeholderNames(r.classes()) : names;
        if (labels.size() != r.classes()) {
            throw new ModelException("names for " + net.cfg().source() + ": expected " + r.classes()
                    + " class names (classes=" + r.classes() + " in " + r.section().where() + "), found "
                    + labels.size());
        }
        if (r.treeFile() != null && tree == null) {
            throw new ModelException(r.section().where("tree") + ": this model predicts a WordTree ("
                    + r.treeFile() + "); expected the tree file (--tree), found none");
        }
        if (tree != null && tree.size() != r.classes()) {
            throw new ModelException("tree for " + net.cfg().source() + ": expected " + r.classes()
                    + " nodes, found " + tree.size());
        }
        return new ModelInfo(name, r.anchors(), r.num(), r.coords(), r.classes(), r.softmax(), labels,
                r.treeFile() == null ? null : tree, net.width(), net.height(), net.stride(),
                ModelInfo.DARKNET_LETTERBOX, hash);
    }

    private static void convolutional(OnnxGraph g, DarknetLayer.Convolutional c, DarknetWeights.Cursor cursor,
                                      String in, String out) {
        int n = c.filters();
        float[] bias = cursor.next(n);
        float[] kernel;
        if (c.batchNormalize()) {
            float[] scales = cursor.next(n);
            float[] mean = cursor.next(n);
            float[] var = cursor.next(n);
            kernel = cursor.next(Math.toIntExact((long) n * c.inChannels() * c.size() * c.size()));
            int per = kernel.length / n;
            for (int o = 0; o < n; o++) {
                double s = scales[o] / (Math.sqrt(var[o]) + 1e-6);
                for (int k = o * per; k < (o + 1) * per; k++) {
                    kernel[k] = (float) (kernel[k] * s);
                }
                bias[o] = (float) (bias[o] - mean[o] * s);
            }
        } else {
            kernel = cursor.next(Math.toIntExact((long) n * c.inChannels() * c.size() * c.size()));
        }
        String w = "conv" + c.index() + ".weight";
        String b = "conv" + c.index() + ".bias";
        g.floatInitializer(w, kernel, n, c.inChannels(), c.size(), c.size());
        g.floatInitializer(b, bias, n);
        String convOut = c.activation() == Activation.LEAKY ? out + ".conv" : out;
        int p = c.pad();
        g.node("Conv", List.of(in, w, b), List.of(convOut))
                .attr("kernel_shape", c.size(), c.size())
                .attr("strides", c.stride(), c.stride())
                .attr("pads", p, p, p, p)
                .add();
        if (c.activation() == Activation.LEAKY) {
            g.node("LeakyRelu", List.of(convOut), List.of(out)).attr("alpha", 0.1f).add();
        }
    }

    /**
     * Darknet's reorg (forward=0 in reorg_cpu) equals Reshape [N, C/s², H, s, W, s] → Transpose [0,3,5,1,2,4] →
     * Reshape [N, s²C, H/s, W/s]. Reshape's 0 copies N and H, -1 infers W; the last W/s comes from Shape.
     */
    private static void reorg(OnnxGraph g, DarknetLayer.Reorg r, String in, String out) {
        long s = r.stride();
        long c = r.inChannels();
        String p = "reorg" + r.index();
        g.int64Initializer(p + ".shape6", new long[]{0, c / (s * s), 0, s, -1, s}, 6);
        g.node("Reshape", List.of(in, p + ".shape6"), List.of(p + ".r6")).add();
        g.node("Transpose", List.of(p + ".r6"), List.of(p + ".t6")).attr("perm", 0, 3, 5, 1, 2, 4).add();
        g.node("Shape", List.of(in), List.of(p + ".inshape")).add();
        g.int64Initializer(p + ".start", new long[]{3}, 1);
        g.int64Initializer(p + ".end", new long[]{4}, 1);
        g.int64Initializer(p + ".stride", new long[]{s}, 1);
        g.node("Slice", List.of(p + ".inshape", p + ".start", p + ".end"), List.of(p + ".w")).add();
        g.node("Div", List.of(p + ".w", p + ".stride"), List.of(p + ".wout")).add();
        g.int64Initializer(p + ".head", new long[]{0, c * s * s, -1}, 3);
        g.node("Concat", List.of(p + ".head", p + ".wout"), List.of(p + ".shape4")).attr("axis", 0L).add();
        g.node("Reshape", List.of(p + ".t6", p + ".shape4"), List.of(out)).add();
    }
}
