package io.yolostream.ingest.source;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RateMeterTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void steadyStreamReadsItsRateAndAStoppedOneFallsToZero() {
        RateMeter meter = new RateMeter(0);
        for (long t = 0; t < 10 * SECOND; t += SECOND / 25) {
            meter.mark(t);
        }
        assertEquals(25.0, meter.perSecond(10 * SECOND), 0.01);
        assertEquals(25.0 * 3 / 5, meter.perSecond(12 * SECOND), 0.01);
        assertEquals(0.0, meter.perSecond(16 * SECOND), 0.01);
    }

    @Test
    void firstSecondsUseTheTimeSoFar() {
        RateMeter meter = new RateMeter(0);
        for (long t = 0; t < SECOND / 2; t += SECOND / 10) {
            meter.mark(t);
        }
        assertEquals(10.0, meter.perSecond(SECOND / 2), 0.01);
        for (long t = SECOND / 2; t < 2 * SECOND; t += SECOND / 10) {
            meter.mark(t);
        }
        assertEquals(10.0, meter.perSecond(2 * SECOND), 0.01);
    }
}
