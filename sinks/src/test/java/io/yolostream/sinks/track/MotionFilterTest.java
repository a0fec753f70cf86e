package io.yolostream.sinks.track;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MotionFilterTest {
    @Test
    void learnsAConstantVelocityInPixelsPerSecondWhateverTheFrameRate() {
        for (double fps : new double[]{25, 5, 2}) {
            MotionFilter f = MotionFilter.start(Box.ofCenter(100, 300, 50, 100));
            double dt = 1 / fps;
            for (int k = 1; k <= 3 * fps; k++) {
                f.predict(dt);
                f.update(Box.ofCenter(100 + 120 * k * dt, 300 - 30 * k * dt, 50, 100));
            }
            assertEquals(120, f.vx(), 6, "vx at " + fps + " fps");
            assertEquals(-30, f.vy(), 6, "vy at " + fps + " fps");
            // a 1 s gap is one longer step: the prediction lands where the object is
            f.predict(1.0);
            assertEquals(100 + 120 * 4, f.box().cx(), 8, "cx after a gap at " + fps + " fps");
            assertEquals(300 - 30 * 4, f.box().cy(), 8);
        }
    }

    @Test
    void uncertaintyGrowsWithTheGapAndShrinksWithMeasurements() {
        MotionFilter f = MotionFilter.start(Box.ofCenter(0, 0, 40, 100));
        Box far = Box.ofCenter(150, 0, 40, 100);
        double fresh = f.centreDistance2(far);
        f.predict(2.0);
        double later = f.centreDistance2(far);
        assertTrue(later < fresh, "after 2 s the same offset is less surprising: " + later + " vs " + fresh);
        MotionFilter g = MotionFilter.start(Box.ofCenter(0, 0, 40, 100));
        for (int i = 0; i < 10; i++) {
            g.predict(0.2);
            g.update(Box.ofCenter(0, 0, 40, 100));
        }
        assertTrue(g.centreDistance2(Box.ofCenter(30, 0, 40, 100)) > 9.21,
                "a settled, still object does not jump 30 px");
    }

    @Test
    void savesAndRestoresExactly() {
        MotionFilter f = MotionFilter.start(new Box(10, 20, 30, 40));
        f.predict(0.3);
        f.update(new Box(14, 22, 31, 41));
        MotionFilter g = MotionFilter.restore(f.state(), f.covariance());
        f.predict(0.5);
        g.predict(0.5);
        assertEquals(f.box(), g.box());
    }
}
