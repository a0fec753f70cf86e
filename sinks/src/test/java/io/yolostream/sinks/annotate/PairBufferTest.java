package io.yolostream.sinks.annotate;

import io.yolostream.sinks.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PairBufferTest {
    @Test
    void aCameraHoldsAtMostItsLimitTheOldestGoFirst() {
        List<String> dropped = new ArrayList<>();
        PairBuffer b = new PairBuffer(60_000, 3, (side, reason) -> dropped.add(side + "/" + reason));
        for (long s = 1; s <= 5; s++) {
            assertTrue(b.frame(Fixtures.frame("cam", s, Fixtures.T0 + s), Fixtures.T0 + s).isEmpty());
        }
        assertEquals(List.of("frame/overflow", "frame/overflow"), dropped);
        assertEquals(3, b.size());
        // frames 1 and 2 are gone: detection 2 finds no frame and, the oldest of a full camera, goes too
        assertTrue(b.detection(Fixtures.detection("cam", 2, Fixtures.T0 + 2, List.of()), Fixtures.T0 + 2).isEmpty());
        assertEquals(List.of("frame/overflow", "frame/overflow", "detection/overflow"), dropped);
        // 3 still pairs; another camera has its own limit
        assertEquals(3, b.detection(Fixtures.detection("cam", 3, Fixtures.T0 + 3, List.of()), Fixtures.T0 + 3)
                .orElseThrow().frame().getSequence());
        assertTrue(b.frame(Fixtures.frame("other", 1, Fixtures.T0), Fixtures.T0).isEmpty());
        assertEquals(3, b.size(), "cam: frames 4 and 5 wait; other: frame 1");
    }
}
