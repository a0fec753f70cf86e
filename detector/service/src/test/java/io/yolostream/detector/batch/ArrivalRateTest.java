package io.yolostream.detector.batch;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ArrivalRateTest {
    @Test
    void steadyStreamGivesItsRate() {
        ArrivalRate rate = new ArrivalRate(5_000);
        long now = 0;
        for (int i = 0; i < 100; i++) {
            now = i * 100L;
            rate.record(now, 3);
        }
        assertEquals(30.0, rate.perSecond(now), 1e-9, "the 50 samples of the last 5 s, 3 frames each");
    }

    @Test
    void forgetsFramesOlderThanTheWindow() {
        ArrivalRate rate = new ArrivalRate(1_000);
        rate.record(0, 50);
        rate.record(2_000, 0);
        assertEquals(0.0, rate.perSecond(2_000), 1e-9);
        rate.record(2_500, 10);
        assertEquals(10.0, rate.perSecond(3_000), 1e-9);
        assertEquals(0.0, rate.perSecond(3_500), 1e-9);
    }

    @Test
    void earlyRateUsesTimeSeenSoNotUnderEstimated() {
        ArrivalRate rate = new ArrivalRate(10_000);
        assertEquals(0.0, rate.perSecond(0), 1e-9);
        rate.record(0, 10);
        rate.record(2_000, 10);
        assertEquals(10.0, rate.perSecond(2_000), 1e-9, "20 frames over 2 s, not over 10 s");

        ArrivalRate fresh = new ArrivalRate(10_000);
        fresh.record(0, 10);
        assertEquals(10.0, fresh.perSecond(100), 1e-9, "span floored at a tenth of the window, not 0.1 s");
    }

    @Test
    void rejectsBadInput() {
        assertThrows(IllegalArgumentException.class, () -> new ArrivalRate(0));
        assertThrows(IllegalArgumentException.class, () -> new ArrivalRate(10).record(0, -1));
    }
}
