package io.yolostream.detector.decode;

import io.yolostream.detector.model.ModelInfo;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Compares the decoder with {@link DarknetReference}, exactly (every float bit-identical). */
final class ReferenceComparison {
    private ReferenceComparison() {
    }

    static void assertSame(ModelInfo info, DecodeOptions options, float[] raw, DecodeGeometry g) {
        List<DarknetReference.Result> expected = DarknetReference.run(info, raw, g.gridW(), g.gridH(), g.netW(),
                g.netH(), g.imgW(), g.imgH(), options.thresh(), options.hierThresh(), options.nms(),
                options.hierarchy() == HierarchyMode.CONDITIONAL);
        List<DetectedBox> actual = new RegionDecoder(info, options).decode(raw, 0, g);
        assertEquals(sortedKeys(expected.stream().map(ReferenceComparison::key).toList()),
                sortedKeys(actual.stream().map(ReferenceComparison::key).toList()));
        for (int i = 1; i < actual.size(); i++) {
            assertEquals(true, actual.get(i - 1).score() >= actual.get(i).score(), "sorted by score");
        }
    }

    private static List<String> sortedKeys(List<String> keys) {
        List<String> sorted = new ArrayList<>(keys);
        sorted.sort(null);
        return sorted;
    }

    static String key(DarknetReference.Result r) {
        return String.format("box=%s,%s,%s,%s obj=%s label=%d score=%s classes=%s probs=%s", r.left(), r.top(),
                r.width(), r.height(), r.objectness(), r.label(), r.score(), r.classes(), r.probs());
    }

    static String key(DetectedBox d) {
        return String.format("box=%s,%s,%s,%s obj=%s label=%d score=%s classes=%s probs=%s", d.box().left(),
                d.box().top(), d.box().width(), d.box().height(), d.objectness(), d.labelId(), d.score(),
                d.classes().stream().map(DetectedBox.ClassScore::id).toList(),
                d.classes().stream().map(DetectedBox.ClassScore::prob).toList());
    }
}
