package io.yolostream.detector.quantize;

import io.yolostream.detector.decode.DetectedBox;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AgreementTest {
    static DetectedBox det(int label, float x, float y, float w, float h) {
        return new DetectedBox(new DetectedBox.Box(x, y, w, h), 0.9f, label, "c" + label, 0.9f, List.of(), List.of());
    }

    @Test
    void sameLabelAndEnoughOverlapCountAsFound() {
        Agreement g = new Agreement(0.5f);
        List<DetectedBox> a = List.of(det(1, 0, 0, 10, 10), det(2, 50, 50, 10, 10), det(1, 100, 100, 10, 10));
        List<DetectedBox> b = List.of(det(1, 1, 0, 10, 10), // IoU 90/110 with a[0]
                det(3, 50, 50, 10, 10),                    // a[1]'s box, other label
                det(1, 105, 100, 10, 10));                 // IoU 50/150 with a[2]: too little
        g.add(a, b);
        assertEquals(3, g.countA());
        assertEquals(1, g.aFoundByB());
        assertEquals(1, g.bFoundByA());
        assertEquals(1 / 3.0, g.aInB(), 1e-9);
        g.add(List.of(), List.of());
        assertEquals(1 / 3.0, g.bInA(), 1e-9);
        assertEquals(1.0, new Agreement(0.5f).aInB(), "nothing to find is full agreement");
        assertEquals(81.0 / 119.0, Agreement.iou(new DetectedBox.Box(0, 0, 10, 10), new DetectedBox.Box(1, 1, 10, 10)),
                1e-9);
    }
}
