package io.yolostream.detector.quantize;

import io.yolostream.detector.model.ModelException;
import io.yolostream.detector.onnx.OnnxModel.Node;
import io.yolostream.detector.onnx.OnnxModel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which parts of an fp32 model run in 8 bits. Every Conv with constant weights is quantized except those kept in
 * fp32; an element-wise or data-movement node (LeakyRelu, Relu, MaxPool, Concat, Reshape, Transpose, ...) joins
 * when all its data inputs are quantized, so ONNX Runtime can keep whole chains in integers. Nodes that only move
 * data (MaxPool, Reshape, Transpose, ...) must keep their input's scale: ONNX Runtime drops their Q/DQ pair only then.
 *
 * @param convs    the convolutions to quantize, in graph order
 * @param fp32     the convolutions kept in fp32
 * @param tensors  the activations that get a QuantizeLinear/DequantizeLinear pair, in graph order
 * @param sharedBy tensor → the tensor whose quantization parameters it reuses
 */
public record QdqPlan(List<Node> convs, List<Node> fp32, Set<String> tensors, Map<String, String> sharedBy) {

    /** Which convolutions stay in fp32. */
    public enum Keep {
        FIRST, LAST
    }

    private static final Set<String> SAME_SCALE = Set.of("MaxPool", "Reshape", "Transpose", "Flatten", "Squeeze",
            "Unsqueeze");
    private static final Set<String> FOLLOW = Set.of("MaxPool", "Reshape", "Transpose", "Flatten", "Squeeze",
            "Unsqueeze", "LeakyRelu", "Relu", "Concat");

    public static QdqPlan of(OnnxModel model, Set<Keep> keep, String source) {
        long opset = model.opsets.getOrDefault("", 0L);
        if (opset < 13) {
            throw new ModelException("model " + source + ": expected ONNX opset 13 or later (per-channel"
                    + " QuantizeLinear), found opset " + opset);
        }
        List<Node> all = new ArrayList<>();
        for (Node n : model.nodes) {
            if (isConstantConv(model, n)) {
                all.add(n);
            }
        }
        if (all.isEmpty()) {
            throw new ModelException("model " + source + ": expected convolutions with constant weights to quantize,"
                    + " found none");
        }
        List<Node> convs = new ArrayList<>();
        List<Node> fp32 = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            boolean kept = (i == 0 && keep.contains(Keep.FIRST)) || (i == all.size() - 1 && keep.contains(Keep.LAST));
            (kept ? fp32 : convs).add(all.get(i));
        }
        Set<String> tensors = new LinkedHashSet<>();
        for (Node c : convs) {
            tensors.add(c.inputs().get(0));
            tensors.add(c.outputs().get(0));
        }
        Map<String, String> shared = new LinkedHashMap<>();
        Set<Node> done = new java.util.HashSet<>(convs);
        boolean changed = true;
        while (changed) {
            changed = false;
            for (Node n : model.nodes) {
                if (done.contains(n) || !n.domain().isEmpty() || !FOLLOW.contains(n.opType())
                        || n.outputs().size() != 1) {
                    continue;
                }
                List<String> data = n.opType().equals("Concat") ? n.inputs() : List.of(n.inputs().get(0));
                if (data.isEmpty() || !tensors.containsAll(data)) {
                    continue;
                }
                String out = n.outputs().get(0);
                tensors.add(out);
                if (SAME_SCALE.contains(n.opType())) {
                    String root = data.get(0);
                    shared.put(out, shared.getOrDefault(root, root));
                }
                done.add(n);
                changed = true;
            }
        }
        return new QdqPlan(List.copyOf(convs), List.copyOf(fp32), tensors, shared);
    }

    /** A Conv whose weights (and bias, if any) are float initializers. */
    static boolean isConstantConv(OnnxModel model, Node n) {
        if (!n.opType().equals("Conv") || !n.domain().isEmpty() || n.inputs().size() < 2) {
            return false;
        }
        OnnxModel.Tensor w = model.initializers.get(n.inputs().get(1));
        if (w == null || w.dataType() != OnnxModel.FLOAT || w.dims().length != 4) {
            return false;
        }
        if (n.inputs().size() > 2 && !n.inputs().get(2).isEmpty()) {
            OnnxModel.Tensor b = model.initializers.get(n.inputs().get(2));
            return b != null && b.dataType() == OnnxModel.FLOAT;
        }
        return true;
    }

    /** The tensors whose ranges calibration must measure (shared ones take their root's). */
    public List<String> calibrated() {
        List<String> out = new ArrayList<>();
        for (String t : tensors) {
            if (!sharedBy.containsKey(t)) {
                out.add(t);
            }
        }
        return out;
    }
}
