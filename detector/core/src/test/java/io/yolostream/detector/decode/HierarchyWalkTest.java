package io.yolostream.detector.decode;

import io.yolostream.wordtree.WordTree;
import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The WordTree walk on a 3-level tree with two roots:
 * animal(0) {dog(2) {husky(6), pug(7)}, cat(3)}, thing(1) {car(4), bike(5)}.
 */
class HierarchyWalkTest {
    static final List<String> NAMES = List.of("animal", "thing", "dog", "cat", "car", "bike", "husky", "pug");
    static final WordTree TREE = WordTree.parse(List.of(
            "animal -1", "thing -1", "dog 0", "cat 0", "car 1", "bike 1", "husky 2", "pug 2"), "test.tree");

    /** Class logits (stride 1) whose per-group softmax gives p for the first node of each 2-node group. */
    static float[] logits(double animal, double dog, double car, double husky) {
        float[] l = new float[8];
        double[] first = {animal, dog, car, husky};
        for (int g = 0; g < 4; g++) {
            l[2 * g] = (float) Math.log(first[g]);
            l[2 * g + 1] = (float) Math.log(1 - first[g]);
        }
        return l;
    }

    static List<DetectedBox.PathNode> walk(float[] logits, HierarchyMode mode, float thresh) {
        return new HierarchyWalk(TREE, NAMES, mode, thresh).walk(FloatBuffer.wrap(logits), 0, 1);
    }

    static int chosen(float[] logits, HierarchyMode mode, float thresh) {
        List<DetectedBox.PathNode> path = walk(logits, mode, thresh);
        int node = path.get(path.size() - 1).labelId();
        assertEquals(node, reference(logits, mode, thresh), "literal darknet walk disagrees");
        return node;
    }

    /** DarknetReference's dense literal transcription: softmax per group, hierarchy_predictions, top prediction. */
    static int reference(float[] logits, HierarchyMode mode, float thresh) {
        float[] p = new float[8];
        for (int g = 0; g < TREE.groups(); g++) {
            DarknetReference.softmax(logits, TREE.groupOffset(g), TREE.groupSize(g), 1, 1, p, TREE.groupOffset(g));
        }
        if (mode == HierarchyMode.DARKNET) {
            for (int j = 0; j < 8; j++) {
                if (TREE.parent(j) >= 0) {
                    p[j] *= p[TREE.parent(j)];
                }
            }
        }
        return DarknetReference.topPrediction(p, 0, TREE, thresh, 1);
    }

    @Test
    void descendsToALeaf() {
        float[] l = logits(0.9, 0.95, 0.5, 0.9);
        assertEquals(6, chosen(l, HierarchyMode.DARKNET, 0.5f));
        assertEquals(6, chosen(l, HierarchyMode.CONDITIONAL, 0.5f));
    }

    @Test
    void darknetCountsAncestorsTwiceAndStopsEarlier() {
        // Conditional walk: 0.9 -> 0.72 -> 0.648, all above 0.5: husky.
        // Darknet: p = 0.9, then 0.9 * abs(dog)=0.648, then 0.648 * abs(husky)=0.648*0.648=0.42 < 0.5: back to dog.
        float[] l = logits(0.9, 0.8, 0.5, 0.9);
        assertEquals(2, chosen(l, HierarchyMode.DARKNET, 0.5f));
        assertEquals(6, chosen(l, HierarchyMode.CONDITIONAL, 0.5f));
    }

    @Test
    void stopsAtTheParentOfTheCurrentGroup() {
        // husky/pug 50/50: 0.81 * 0.5 < 0.5 in both modes.
        float[] l = logits(0.9, 0.9, 0.5, 0.5);
        assertEquals(2, chosen(l, HierarchyMode.DARKNET, 0.5f));
        assertEquals(2, chosen(l, HierarchyMode.CONDITIONAL, 0.5f));
    }

    @Test
    void fallsBackToTheBestRootWhenNothingPassesTheThreshold() {
        assertEquals(0, chosen(logits(0.6, 0.9, 0.9, 0.9), HierarchyMode.DARKNET, 0.7f));
        assertEquals(1, chosen(logits(0.4, 0.9, 0.9, 0.9), HierarchyMode.CONDITIONAL, 0.7f));
        // A root whose children are all weak stops at the root: thing 0.8, car/bike 0.5.
        assertEquals(1, chosen(logits(0.2, 0.9, 0.5, 0.9), HierarchyMode.CONDITIONAL, 0.5f));
    }

    @Test
    void pathCarriesConditionalAndAbsoluteProbabilities() {
        List<DetectedBox.PathNode> path = walk(logits(0.9, 0.95, 0.5, 0.8), HierarchyMode.CONDITIONAL, 0.5f);
        assertEquals(List.of(0, 2, 6), path.stream().map(DetectedBox.PathNode::labelId).toList());
        assertEquals(List.of("animal", "dog", "husky"), path.stream().map(DetectedBox.PathNode::name).toList());
        double[] cond = {0.9, 0.95, 0.8};
        double abs = 1;
        for (int i = 0; i < 3; i++) {
            abs *= cond[i];
            assertEquals(cond[i], path.get(i).conditional(), 1e-6);
            assertEquals(abs, path.get(i).probability(), 1e-6);
        }
        // The path is the same quantity in both modes (only the walk's comparison differs).
        assertEquals(path, walk(logits(0.9, 0.95, 0.5, 0.8), HierarchyMode.DARKNET, 0.5f));
    }
}
