package io.yolostream.detector.quantize;

import io.yolostream.detector.onnx.OnnxModel.Attribute;
import io.yolostream.detector.onnx.OnnxModel.Node;
import io.yolostream.detector.onnx.OnnxModel.Tensor;
import io.yolostream.detector.onnx.OnnxModel;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rewrites an fp32 model into ONNX's QDQ form, the one ONNX Runtime fuses into integer kernels (QLinearConv,
 * QLinearLeakyRelu, uint8 MaxPool...): each planned activation gets QuantizeLinear→DequantizeLinear (uint8,
 * per-tensor), each planned Conv reads DequantizeLinear(int8 weights, per output channel, symmetric) and
 * DequantizeLinear(int32 bias at input scale × weight scale).
 */
public final class QdqRewriter {
    /** uint8 activation parameters. */
    public record Activation(float scale, int zeroPoint) {
        public static Activation of(TensorStats.Range r) {
            double lo = Math.min(r.min(), 0);
            double hi = Math.max(r.max(), 0);
            if (hi - lo < 1e-8) {
                hi = lo + 1e-8;
            }
            double scale = (hi - lo) / 255.0;
            int zp = (int) Math.max(0, Math.min(255, Math.round(-lo / scale)));
            return new Activation((float) scale, zp);
        }
    }

    /** Per-output-channel symmetric int8 weights. */
    public record Weights(byte[] values, float[] scales) {
        public static Weights of(float[] w, int channels) {
            int per = w.length / channels;
            byte[] q = new byte[w.length];
            float[] scales = new float[channels];
            for (int c = 0; c < channels; c++) {
                float absMax = 0;
                for (int k = c * per; k < (c + 1) * per; k++) {
                    absMax = Math.max(absMax, Math.abs(w[k]));
                }
                float s = absMax > 0 ? absMax / 127f : 1f;
                scales[c] = s;
                for (int k = c * per; k < (c + 1) * per; k++) {
                    q[k] = (byte) Math.max(-127, Math.min(127, Math.round(w[k] / s)));
                }
            }
            return new Weights(q, scales);
        }
    }

    private QdqRewriter() {
    }

    /** A new model: {@code fp32} with the plan's Q/DQ nodes; {@code fp32} is not changed. */
    public static OnnxModel rewrite(OnnxModel fp32, QdqPlan plan, Map<String, Activation> params) {
        OnnxModel m = new OnnxModel();
        m.irVersion = fp32.irVersion;
        m.producerName = fp32.producerName;
        m.producerVersion = fp32.producerVersion;
        m.graphName = fp32.graphName;
        m.opsets.putAll(fp32.opsets);
        m.initializers.putAll(fp32.initializers);
        m.inputs.addAll(fp32.inputs);
        m.outputs.addAll(fp32.outputs);
        m.valueInfos.addAll(fp32.valueInfos);
        m.metadata.putAll(fp32.metadata);

        Set<String> graphInputs = new HashSet<>();
        fp32.inputs.forEach(v -> graphInputs.add(v.name()));
        Set<String> graphOutputs = new HashSet<>();
        fp32.outputs.forEach(v -> graphOutputs.add(v.name()));
        Set<Node> convs = new HashSet<>(plan.convs());
        Set<String> usedWeights = new HashSet<>();

        for (String t : plan.tensors()) {
            String root = rootOf(plan, t);
            Activation a = params.get(root);
            if (a == null) {
                throw new IllegalArgumentException("no quantization parameters for " + t);
            }
            if (!m.initializers.containsKey(root + "_scale")) {
                m.initializers.put(root + "_scale", Tensor.ofFloats(root + "_scale", new float[]{a.scale()}));
                m.initializers.put(root + "_zero_point",
                        Tensor.ofBytes(root + "_zero_point", OnnxModel.UINT8, new byte[]{(byte) a.zeroPoint()}));
            }
        }
        for (String t : plan.tensors()) {
            if (graphInputs.contains(t)) {
                addQdq(m, plan, t, t, dq(t, graphOutputs));
            }
        }
        for (Node n : fp32.nodes) {
            List<String> in = new ArrayList<>(n.inputs());
            for (int i = 0; i < in.size(); i++) {
                if (plan.tensors().contains(in.get(i))) {
                    in.set(i, dq(in.get(i), graphOutputs));
                }
            }
            if (convs.contains(n)) {
                quantizeConvParams(fp32, m, n, in, params.get(rootOf(plan, n.inputs().get(0))), usedWeights);
            }
            List<String> out = new ArrayList<>(n.outputs());
            for (int i = 0; i < out.size(); i++) {
                if (plan.tensors().contains(out.get(i)) && graphOutputs.contains(out.get(i))) {
                    out.set(i, out.get(i) + "_prequant");
                }
            }
            m.nodes.add(new Node(n.name(), n.opType(), n.domain(), in, out, n.attributes()));
            for (int i = 0; i < out.size(); i++) {
                String t = n.outputs().get(i);
                if (plan.tensors().contains(t)) {
                    addQdq(m, plan, t, out.get(i), dq(t, graphOutputs));
                }
            }
        }
        // fp32 weights that only quantized convs used are gone from the graph
        for (Node c : plan.convs()) {
            for (String w : c.inputs().subList(1, c.inputs().size())) {
                if (usedWeights.contains(w) && !stillUsed(m, w)) {
                    m.initializers.remove(w);
                }
            }
        }
        return m;
    }

    private static String rootOf(QdqPlan plan, String t) {
        return plan.sharedBy().getOrDefault(t, t);
    }

    private static String dq(String t, Set<String> graphOutputs) {
        return graphOutputs.contains(t) ? t : t + "_dq";
    }

    private static void addQdq(OnnxModel m, QdqPlan plan, String t, String from, String to) {
        String root = rootOf(plan, t);
        List<String> params = List.of(root + "_scale", root + "_zero_point");
        m.nodes.add(new Node(t + "_QuantizeLinear", "QuantizeLinear", "", concat(from, params),
                List.of(t + "_quantized"), List.of()));
        m.nodes.add(new Node(t + "_DequantizeLinear", "DequantizeLinear", "", concat(t + "_quantized", params),
                List.of(to), List.of()));
    }

    private static void quantizeConvParams(OnnxModel fp32, OnnxModel m, Node conv, List<String> in, Activation x,
                                           Set<String> usedWeights) {
        String wName = conv.inputs().get(1);
        Tensor w = fp32.initializers.get(wName);
        int channels = (int) w.dims()[0];
        Weights q = Weights.of(w.floats(), channels);
        String p = conv.outputs().get(0) + "_w";
        m.initializers.put(p + "_quantized", Tensor.ofBytes(p + "_quantized", OnnxModel.INT8, q.values(), w.dims()));
        m.initializers.put(p + "_scale", Tensor.ofFloats(p + "_scale", q.scales(), channels));
        m.initializers.put(p + "_zero_point", Tensor.ofBytes(p + "_zero_point", OnnxModel.INT8, new byte[channels],
                channels));
        m.nodes.add(new Node(p + "_DequantizeLinear", "DequantizeLinear", "",
                List.of(p + "_quantized", p + "_scale", p + "_zero_point"), List.of(p + "_dq"),
                List.of(Attribute.of("axis", 0L))));
        in.set(1, p + "_dq");
        usedWeights.add(wName);
        if (conv.inputs().size() > 2 && !conv.inputs().get(2).isEmpty()) {
            String bName = conv.inputs().get(2);
            float[] b = fp32.initializers.get(bName).floats();
            int[] bq = new int[channels];
            float[] bs = new float[channels];
            for (int c = 0; c < channels; c++) {
                bs[c] = x.scale() * q.scales()[c];
                bq[c] = (int) Math.max(Integer.MIN_VALUE + 1, Math.min(Integer.MAX_VALUE, Math.round((double) b[c] / bs[c])));
            }
            String bp = conv.outputs().get(0) + "_b";
            m.initializers.put(bp + "_quantized", Tensor.ofInts(bp + "_quantized", bq, channels));
            m.initializers.put(bp + "_scale", Tensor.ofFloats(bp + "_scale", bs, channels));
            m.initializers.put(bp + "_zero_point", Tensor.ofInts(bp + "_zero_point", new int[channels], channels));
            m.nodes.add(new Node(bp + "_DequantizeLinear", "DequantizeLinear", "",
                    List.of(bp + "_quantized", bp + "_scale", bp + "_zero_point"), List.of(bp + "_dq"),
                    List.of(Attribute.of("axis", 0L))));
            in.set(2, bp + "_dq");
            usedWeights.add(bName);
        }
    }

    private static boolean stillUsed(OnnxModel m, String tensor) {
        for (Node n : m.nodes) {
            if (n.inputs().contains(tensor)) {
                return true;
            }
        }
        return false;
    }

    private static List<String> concat(String first, List<String> rest) {
        List<String> l = new ArrayList<>();
        l.add(first);
        l.addAll(rest);
        return l;
    }
}
