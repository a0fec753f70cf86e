package io.yolostream.detector.decode;

import io.yolostream.detector.model.ModelException;
import io.yolostream.detector.model.ModelInfo;
import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hand-built outputs on a 3x2 grid, 2 anchors, 3 classes, decoded for a 200x100 image in a 96x64 network. */
class RegionDecoderTest {
    static final int GW = 3;
    static final int GH = 2;
    static final DecodeGeometry GEO = new DecodeGeometry(GW, GH, 96, 64, 200, 100);

    static ModelInfo model(boolean softmax) {
        return new ModelInfo("tiny", new float[]{1f, 1f, 2f, 1.5f}, 2, 4, 3, softmax, List.of("cat", "dog", "car"),
                null, 96, 64, 32, ModelInfo.DARKNET_LETTERBOX, "");
    }

    static RegionOutput out() {
        return new RegionOutput(GW, GH, 2, 3);
    }

    static List<DetectedBox> decode(boolean softmax, DecodeOptions options, RegionOutput out) {
        return new RegionDecoder(model(softmax), options).decode(out.data, 0, GEO);
    }

    @Test
    void boxMathUndoesTheLetterboxOfANonSquareImage() {
        // Anchor 1 (2 x 1.5 cells) at row 1, col 2; centre logits 0 -> 0.5; width exp(ln 0.5) = half the anchor.
        RegionOutput o = out().box(1, 1, 2, 0f, 0f, (float) Math.log(0.5), 0f, 3f).classLogits(1, 1, 2, 5f, 0f, 0f);
        List<DetectedBox> dets = decode(true, DecodeOptions.DEFAULTS, o);
        assertEquals(1, dets.size());
        DetectedBox.Box b = dets.get(0).box();
        // x = 2.5/3, w = 1/3; y = 1.5/2 = 0.75 -> (0.75 - 8/64) / (48/64) = 5/6, h = 0.75 * 64/48 = 1.
        assertEquals(200 * (2.5 / 3 - 1 / 6.0), b.left(), 1e-3);
        assertEquals(199 - 200 * (2.5 / 3 - 1 / 6.0), b.width(), 1e-3, "right clipped to imgW-1");
        assertEquals(100 * (5 / 6.0 - 0.5), b.top(), 1e-3);
        assertEquals(99 - 100 * (5 / 6.0 - 0.5), b.height(), 1e-3, "bottom clipped to imgH-1");
        assertMatchesReference(true, DecodeOptions.DEFAULTS, o);
    }

    @Test
    void boxMathMatchesDarknetForEveryCellAndAnchor() {
        RegionOutput o = out();
        float t = 0.1f;
        for (int n = 0; n < 2; n++) {
            for (int r = 0; r < GH; r++) {
                for (int c = 0; c < GW; c++) {
                    o.box(n, r, c, t, -t, t / 2 - 0.7f, 0.3f - t, 4f).classLogits(n, r, c, 0f, 0f, 0f);
                    o.set(n, 5 + (r * GW + c + n) % 3, r, c, 6f);
                    t += 0.37f;
                }
            }
        }
        assertMatchesReference(true, DecodeOptions.DEFAULTS.withNms(0), o);
        assertEquals(12, decode(true, DecodeOptions.DEFAULTS.withNms(0), o).size());
    }

    @Test
    void softmaxClassesVersusLogisticClasses() {
        RegionOutput o = out().box(0, 0, 1, 0f, 0f, 0f, 0f, 3f).classLogits(0, 0, 1, 2f, 0f, -1f);
        float scale = DarknetMath.logistic(3f);

        DetectedBox soft = decode(true, DecodeOptions.DEFAULTS, o).get(0);
        double sum = Math.exp(2) + 1 + Math.exp(-1);
        assertEquals(List.of(0), soft.classes().stream().map(DetectedBox.ClassScore::id).toList());
        assertEquals(scale * Math.exp(2) / sum, soft.score(), 1e-6);
        assertEquals(scale, soft.objectness());
        assertEquals("cat", soft.label());
        assertEquals(1, soft.path().size());
        assertEquals(Math.exp(2) / sum, soft.path().get(0).conditional(), 1e-6);
        assertEquals(soft.score(), soft.path().get(0).probability());

        // Logistic: 0.88, 0.5, 0.27 times 0.95 are all above 0.24.
        DetectedBox logi = decode(false, DecodeOptions.DEFAULTS, o).get(0);
        assertEquals(List.of(0, 1, 2), logi.classes().stream().map(DetectedBox.ClassScore::id).toList());
        assertEquals(scale * DarknetMath.logistic(-1f), logi.classes().get(2).prob());
        assertEquals(0, logi.labelId());
        assertMatchesReference(false, DecodeOptions.DEFAULTS, o);
    }

    @Test
    void probabilityEqualToTheThresholdIsDropped() {
        RegionOutput o = out().box(0, 1, 0, 0f, 0f, 0f, 0f, 1f).classLogits(0, 1, 0, 1f, 0f, 0f);
        float[] p = new float[3];
        DarknetMath.softmax(FloatBuffer.wrap(new float[]{1f, 0f, 0f}), 0, 3, 1, p, 0);
        float prob = DarknetMath.logistic(1f) * p[0];
        assertEquals(0, decode(true, DecodeOptions.DEFAULTS.withThresh(prob), o).size());
        assertEquals(1, decode(true, DecodeOptions.DEFAULTS.withThresh(Math.nextDown(prob)), o).size());
    }

    @Test
    void nmsSuppressesTheWeakerSameClassBox() {
        RegionOutput o = out()
                .box(0, 0, 0, 0f, 0f, 0f, 0f, 3f).classLogits(0, 0, 0, 5f, 0f, 0f)
                .box(1, 0, 0, 0f, 0f, (float) Math.log(0.5), 0f, 2f).classLogits(1, 0, 0, 5f, 0f, 0f)
                .box(0, 1, 2, 0f, 0f, 0f, 0f, 1f).classLogits(0, 1, 2, 5f, 0f, 0f); // same class, far away
        List<DetectedBox> dets = decode(true, DecodeOptions.DEFAULTS, o);
        assertEquals(2, dets.size());
        assertEquals(DarknetMath.logistic(3f), dets.get(0).objectness());
        assertEquals(DarknetMath.logistic(1f), dets.get(1).objectness());
        assertEquals(3, decode(true, DecodeOptions.DEFAULTS.withNms(0), o).size(), "nms 0 turns NMS off");
        assertMatchesReference(true, DecodeOptions.DEFAULTS, o);
    }

    @Test
    void nmsKeepsOverlappingBoxesOfDifferentClasses() {
        RegionOutput o = out()
                .box(0, 0, 0, 0f, 0f, 0f, 0f, 3f).classLogits(0, 0, 0, 5f, 0f, 0f)
                .box(1, 0, 0, 0f, 0f, (float) Math.log(0.5), 0f, 2f).classLogits(1, 0, 0, 0f, 5f, 0f);
        List<DetectedBox> dets = decode(true, DecodeOptions.DEFAULTS, o);
        assertEquals(List.of("cat", "dog"), dets.stream().map(DetectedBox::label).toList());
    }

    @Test
    void aBoxCarryingTwoClassesLosesOnlyTheSuppressedOne() {
        RegionOutput o = out()
                .box(0, 0, 0, 0f, 0f, 0f, 0f, 3f).classLogits(0, 0, 0, 5f, -5f, -5f)
                .box(1, 0, 0, 0f, 0f, (float) Math.log(0.5), 0f, 3f).classLogits(1, 0, 0, 4f, 4f, -5f);

        List<DetectedBox> noNms = decode(true, DecodeOptions.DEFAULTS.withNms(0), o);
        DetectedBox two = noNms.stream().filter(d -> d.classes().size() == 2).findFirst().orElseThrow();
        assertEquals(two.classes().get(0).prob(), two.classes().get(1).prob(), "equal class probabilities");
        assertEquals(0, two.labelId(), "ties go to the lowest class id");

        List<DetectedBox> dets = decode(true, DecodeOptions.DEFAULTS, o);
        assertEquals(2, dets.size());
        assertEquals(List.of(0), dets.get(0).classes().stream().map(DetectedBox.ClassScore::id).toList());
        DetectedBox rest = dets.get(1);
        assertEquals(List.of(1), rest.classes().stream().map(DetectedBox.ClassScore::id).toList());
        assertEquals("dog", rest.label());
        assertEquals(rest.classes().get(0).prob(), rest.score());
        assertMatchesReference(true, DecodeOptions.DEFAULTS, o);
    }

    @Test
    void readsFromAnOffsetAndLeavesTheInputAlone() {
        RegionOutput o = out().box(1, 1, 1, 0.3f, -0.2f, 0.1f, 0.2f, 2f).classLogits(1, 1, 1, 0f, 0f, 3f);
        float[] padded = new float[o.data.length + 7];
        System.arraycopy(o.data, 0, padded, 7, o.data.length);
        float[] before = padded.clone();
        FloatBuffer buf = FloatBuffer.wrap(padded);
        buf.position(3);
        List<DetectedBox> fromOffset = new RegionDecoder(model(true)).decode(buf, 7, GEO);
        assertEquals(decode(true, DecodeOptions.DEFAULTS, o), fromOffset);
        assertArrayEquals(before, padded);
        assertEquals(3, buf.position());
    }

    @Test
    void rejectsAShortOutput() {
        RegionDecoder decoder = new RegionDecoder(model(true));
        ModelException e = assertThrows(ModelException.class, () -> decoder.decode(new float[10], 0, GEO));
        assertTrue(e.getMessage().contains("tiny") && e.getMessage().contains("16 channels")
                && e.getMessage().contains("found limit 10"), e.getMessage());
        assertThrows(ModelException.class, () -> new DecodeGeometry(0, 2, 96, 64, 200, 100));
        assertThrows(ModelException.class, () -> DecodeOptions.DEFAULTS.withThresh(1.5f));
    }

    static void assertMatchesReference(boolean softmax, DecodeOptions options, RegionOutput o) {
        ReferenceComparison.assertSame(model(softmax), options, o.data, GEO);
    }
}
