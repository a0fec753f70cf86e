package io.yolostream.detector.decode;

import io.yolostream.detector.model.ModelInfo;
import io.yolostream.wordtree.WordTree;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random region outputs decoded by {@link RegionDecoder} and by the literal {@link DarknetReference}: results must be
 * identical, including ties (saturated objectness, repeated logits) where NMS order decides which box survives.
 */
class DarknetEquivalenceTest {
    static final int GW = 5;
    static final int GH = 4;
    static final int NUM = 3;
    static final float[] ANCHORS = {1.2f, 1.5f, 2.5f, 1.8f, 3.0f, 3.5f};
    static final float[] THRESHOLDS = {0.05f, 0.24f, 0.5f};
    static final float[] NMS = {0.45f, 0.3f, 0f, 0.9f};

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void flatModels(boolean saturated) {
        for (boolean softmax : new boolean[]{true, false}) {
            ModelInfo info = new ModelInfo("flat", ANCHORS, NUM, 4, 6, softmax, ModelInfo.placeholderNames(6), null,
                    GW * 32, GH * 32, 32, ModelInfo.DARKNET_LETTERBOX, "");
            runSeeds(info, saturated, HierarchyMode.DARKNET);
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void treeModels(boolean saturated) {
        for (int t = 0; t < 5; t++) {
            WordTree tree = randomTree(new Random(100 + t));
            ModelInfo info = new ModelInfo("tree", ANCHORS, NUM, 4, tree.size(), true,
                    ModelInfo.placeholderNames(tree.size()), tree, GW * 32, GH * 32, 32,
                    ModelInfo.DARKNET_LETTERBOX, "");
            runSeeds(info, saturated, HierarchyMode.DARKNET);
            runSeeds(info, saturated, HierarchyMode.CONDITIONAL);
        }
    }

    private static void runSeeds(ModelInfo info, boolean saturated, HierarchyMode mode) {
        for (int seed = 0; seed < 40; seed++) {
            Random r = new Random(seed * 7919L + info.classes());
            float[] raw = randomOutput(info, r, saturated);
            DecodeOptions options = new DecodeOptions(THRESHOLDS[seed % 3], 0.2f + 0.1f * (seed % 6),
                    NMS[(seed / 3) % 4], mode);
            int imgW = 40 + r.nextInt(600);
            int imgH = 40 + r.nextInt(600);
            ReferenceComparison.assertSame(info, options, raw,
                    new DecodeGeometry(GW, GH, GW * 32, GH * 32, imgW, imgH));
        }
    }

    static float[] randomOutput(ModelInfo info, Random r, boolean saturated) {
        int per = 5 + info.classes();
        int cells = GW * GH;
        float[] raw = new float[NUM * per * cells];
        for (int n = 0; n < NUM; n++) {
            for (int e = 0; e < per; e++) {
                for (int c = 0; c < cells; c++) {
                    float v;
                    if (e == 4 && saturated) {
                        v = r.nextBoolean() ? 40f : -40f;     // logistic exactly 1 or ~0: equal scores
                    } else if (e >= 5 && saturated) {
                        v = r.nextInt(3) * 2f;                 // few distinct class logits: equal probs
                    } else if (e < 4) {
                        v = (float) (r.nextGaussian() * 0.6);  // boxes near anchors: lots of overlap
                    } else {
                        v = (float) (r.nextGaussian() * 2.5);
                    }
                    raw[(n * per + e) * cells + c] = v;
                }
            }
        }
        return raw;
    }

    /** A random tree built group by group, so that parents precede children as darknet requires. */
    static WordTree randomTree(Random r) {
        List<String> ids = new ArrayList<>();
        List<Integer> parents = new ArrayList<>();
        int roots = 2 + r.nextInt(3);
        for (int i = 0; i < roots; i++) {
            ids.add("n" + ids.size());
            parents.add(-1);
        }
        for (int node = 0; node < ids.size() && ids.size() < 40; node++) {
            if (r.nextInt(3) > 0) {
                int size = 1 + r.nextInt(4);
                for (int i = 0; i < size; i++) {
                    ids.add("n" + ids.size());
                    parents.add(node);
                }
            }
        }
        return WordTree.of(ids, parents.stream().mapToInt(Integer::intValue).toArray());
    }
}
