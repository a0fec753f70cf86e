package io.yolostream.deploy.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class SteadyWindowTest {

    @Test
    void leavesOutASlowStartAndTail() {
        // 100 records: the first 5 trickle in over 2.5 s (start-up), then one every 10 ms, then a slow tail of 5
        long[] t = new long[100];
        for (int i = 0; i < 5; i++) {
            t[i] = 500L * i;
        }
        for (int i = 5; i < 95; i++) {
            t[i] = 2_500 + 10L * (i - 5);
        }
        for (int i = 95; i < 100; i++) {
            t[i] = 3_500 + 700L * (i - 94);
        }
        SteadyWindow w = SteadyWindow.of(t);
        assertEquals(100.0, w.framesPerSecond(), 1e-9, "one record every 10 ms in the steady part: " + w);
    }

    @Test
    void countsWholeCommitsAtTheWindowEdges() {
        // records become visible 8 at a time (one transaction per batch of 8), every 100 ms: 80 records/s
        long[] t = LongStream.range(0, 400).map(i -> (i / 8) * 100).toArray();
        SteadyWindow w = SteadyWindow.of(t);
        assertEquals(80.0, w.framesPerSecond(), 1e-9, w.toString());
        assertEquals(0, w.frames() % 8, "whole batches only: " + w);
    }

    @Test
    void aShortRunIsMeasuredWhole() {
        long[] t = {0, 100, 200, 300, 400};
        SteadyWindow w = SteadyWindow.of(t);
        assertEquals(4, w.frames());
        assertEquals(0.4, w.seconds(), 1e-9);
        assertNull(SteadyWindow.of(new long[] {42}));
    }

    @Test
    void orderOfArrivalDoesNotMatter() {
        long[] sorted = LongStream.range(0, 200).map(i -> i * 5).toArray();
        long[] reversed = LongStream.range(0, 200).map(i -> (199 - i) * 5).toArray();
        assertEquals(SteadyWindow.of(sorted), SteadyWindow.of(reversed));
    }
}
