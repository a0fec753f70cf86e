package io.yolostream.detector.decode;

import io.yolostream.wordtree.WordTree;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Darknet's {@code hierarchy_predictions} + {@code hierarchy_top_prediction} for one anchor of a WordTree model,
 * with per-group softmax (darknet's GPU {@code softmax_tree} behaviour; its CPU version is broken).
 *
 * <p>Only the groups the walk visits (and the chosen node's ancestors) are softmaxed: groups are independent and
 * the walk reads nothing else, so the result equals computing all of them. Immutable; thread-safe.
 */
final class HierarchyWalk {
    private final WordTree tree;
    private final List<String> names;
    private final HierarchyMode mode;
    private final float thresh;

    HierarchyWalk(WordTree tree, List<String> names, HierarchyMode mode, float thresh) {
        this.tree = tree;
        this.names = names;
        this.mode = mode;
        this.thresh = thresh;
    }

    /**
     * Walks the tree for the class logits at {@code out[classBase + node*stride]}.
     *
     * @return the chosen node's root-to-node path with conditional and absolute probabilities
     */
    List<DetectedBox.PathNode> walk(FloatBuffer out, int classBase, int stride) {
        Groups groups = new Groups(out, classBase, stride);
        int node = topPrediction(groups);
        int[] path = tree.pathTo(node);
        List<DetectedBox.PathNode> result = new ArrayList<>(path.length);
        float absolute = 1;
        for (int i = 0; i < path.length; i++) {
            float conditional = groups.conditional(path[i]);
            // hierarchy_predictions: predictions[j] *= predictions[parent]; roots are left as they are.
            absolute = i == 0 ? conditional : conditional * absolute;
            result.add(new DetectedBox.PathNode(path[i], names.get(path[i]), conditional, absolute));
        }
        return result;
    }

    /** {@code hierarchy_top_prediction}, literally (including {@code max_i = 0} when a group has no value > 0). */
    private int topPrediction(Groups groups) {
        float p = 1;
        int group = 0;
        while (true) {
            int offset = tree.groupOffset(group);
            int size = tree.groupSize(group);
            // In DARKNET mode the values compared are absolute: conditional times the parent's absolute probability.
            int parent = tree.parent(offset);
            float parentAbsolute = mode == HierarchyMode.DARKNET && parent >= 0 ? groups.absolute(parent) : 1;
            float max = 0;
            int maxI = 0;
            for (int i = 0; i < size; i++) {
                int index = offset + i;
                float conditional = groups.conditional(index);
                float val = mode == HierarchyMode.DARKNET && parent >= 0 ? conditional * parentAbsolute : conditional;
                if (val > max) {
                    maxI = index;
                    max = val;
                }
            }
            if (p * max > thresh) {
                p = p * max;
                group = tree.childGroup(maxI);
                if (group < 0) {
                    return maxI;
                }
            } else if (group == 0) {
                return maxI;
            } else {
                return tree.parent(tree.groupOffset(group));
            }
        }
    }

    /** Lazily softmaxed groups of one anchor; the walk visits one group per level, so a short list suffices. */
    private final class Groups {
        private final FloatBuffer out;
        private final int classBase;
        private final int stride;
        private final List<float[]> values = new ArrayList<>();
        private final List<Integer> ids = new ArrayList<>();

        Groups(FloatBuffer out, int classBase, int stride) {
            this.out = out;
            this.classBase = classBase;
            this.stride = stride;
        }

        float conditional(int node) {
            int g = tree.group(node);
            return group(g)[node - tree.groupOffset(g)];
        }

        /** hierarchy_predictions' value: the product of conditionals from the root, multiplied in the same order. */
        float absolute(int node) {
            int[] path = tree.pathTo(node);
            float a = conditional(path[0]);
            for (int i = 1; i < path.length; i++) {
                a = conditional(path[i]) * a;
            }
            return a;
        }

        private float[] group(int g) {
            for (int i = 0; i < ids.size(); i++) {
                if (ids.get(i) == g) {
                    return values.get(i);
                }
            }
            int size = tree.groupSize(g);
            float[] v = new float[size];
            DarknetMath.softmax(out, classBase + tree.groupOffset(g) * stride, size, stride, v, 0);
            ids.add(g);
            values.add(v);
            return v;
        }
    }
}
