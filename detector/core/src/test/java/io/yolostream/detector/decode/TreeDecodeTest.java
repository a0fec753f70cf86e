package io.yolostream.detector.decode;

import io.yolostream.detector.model.ModelInfo;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A WordTree model (the tree of {@link HierarchyWalkTest}) through the whole decoder: 2x2 grid, 2 anchors. */
class TreeDecodeTest {
    static final DecodeGeometry GEO = new DecodeGeometry(2, 2, 64, 64, 120, 80);

    static ModelInfo model() {
        return new ModelInfo("tree", new float[]{1f, 1f, 1.5f, 1.5f}, 2, 4, 8, true, HierarchyWalkTest.NAMES,
                HierarchyWalkTest.TREE, 64, 64, 32, ModelInfo.DARKNET_LETTERBOX, "");
    }

    static RegionOutput out() {
        return new RegionOutput(2, 2, 2, 8);
    }

    static List<DetectedBox> decode(DecodeOptions options, RegionOutput o) {
        return new RegionDecoder(model(), options).decode(o.data, 0, GEO);
    }

    @Test
    void scoreIsTheObjectnessAndTheLabelIsTheWalkedNode() {
        RegionOutput o = out().box(1, 1, 0, 0f, 0f, 0f, 0f, 2f)
                .classLogits(1, 1, 0, HierarchyWalkTest.logits(0.9, 0.8, 0.5, 0.9));
        DetectedBox darknet = decode(DecodeOptions.DEFAULTS, o).get(0);
        float scale = DarknetMath.logistic(2f);
        assertEquals(scale, darknet.score());
        assertEquals(scale, darknet.objectness());
        assertEquals(2, darknet.labelId());
        assertEquals("dog", darknet.label());
        assertEquals(List.of(new DetectedBox.ClassScore(2, "dog", scale)), darknet.classes());
        assertEquals(List.of(0, 2), darknet.path().stream().map(DetectedBox.PathNode::labelId).toList());
        assertEquals(0.72, darknet.path().get(1).probability(), 1e-6);

        DetectedBox clean = decode(DecodeOptions.DEFAULTS.withHierarchy(HierarchyMode.CONDITIONAL), o).get(0);
        assertEquals("husky", clean.label());
        assertEquals(3, clean.path().size());
        ReferenceComparison.assertSame(model(), DecodeOptions.DEFAULTS, o.data, GEO);
        ReferenceComparison.assertSame(model(), DecodeOptions.DEFAULTS.withHierarchy(HierarchyMode.CONDITIONAL),
                o.data, GEO);
    }

    @Test
    void objectnessEqualToTheThresholdIsDropped() {
        RegionOutput o = out().box(0, 0, 1, 0f, 0f, 0f, 0f, 0.5f)
                .classLogits(0, 0, 1, HierarchyWalkTest.logits(0.9, 0.9, 0.9, 0.9));
        float scale = DarknetMath.logistic(0.5f);
        assertEquals(0, decode(DecodeOptions.DEFAULTS.withThresh(scale), o).size());
        assertEquals(1, decode(DecodeOptions.DEFAULTS.withThresh(Math.nextDown(scale)), o).size());
    }

    @Test
    void nmsWorksPerWalkedNode() {
        float[] husky = HierarchyWalkTest.logits(0.9, 0.95, 0.5, 0.9);
        float[] car = HierarchyWalkTest.logits(0.1, 0.5, 0.9, 0.5);
        RegionOutput o = out()
                .box(0, 0, 0, 0f, 0f, 0f, 0f, 3f).classLogits(0, 0, 0, husky)
                .box(1, 0, 0, 0f, 0f, -0.3f, 0f, 2f).classLogits(1, 0, 0, husky)  // overlaps, same node: suppressed
                .box(0, 0, 1, -2f, 0f, 0.5f, 0f, 1f).classLogits(0, 0, 1, car);   // overlaps, other node: kept
        List<DetectedBox> dets = decode(DecodeOptions.DEFAULTS, o);
        assertEquals(List.of("husky", "car"), dets.stream().map(DetectedBox::label).toList());
        assertEquals(DarknetMath.logistic(3f), dets.get(0).score());
        assertEquals(3, decode(DecodeOptions.DEFAULTS.withNms(0), o).size());
        ReferenceComparison.assertSame(model(), DecodeOptions.DEFAULTS, o.data, GEO);
    }
}
