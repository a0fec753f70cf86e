package io.yolostream.ingest.source;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FrameSamplerTest {

    /** Indices of the frames kept from {@code count} frames at {@code sourceFps} (timestamps as a container's). */
    private static List<Integer> kept(FrameSampler sampler, double sourceFps, int count) {
        List<Integer> kept = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            if (sampler.accept(Math.round(i * 1_000_000.0 / sourceFps))) {
                kept.add(i);
            }
        }
        return kept;
    }

    @Test
    void twentyFiveToFiveKeepsExactlyEveryFifthFrame() {
        List<Integer> kept = kept(new FrameSampler(5), 25, 250);
        assertEquals(50, kept.size());
        for (int k = 0; k < kept.size(); k++) {
            assertEquals(5 * k, kept.get(k));
        }
    }

    @Test
    void thirtyToSevenKeepsSevenPerSecondEvenlySpread() {
        List<Integer> kept = kept(new FrameSampler(7), 30, 300);
        assertEquals(70, kept.size());
        assertEquals(List.of(0, 5, 9, 13, 18, 22, 26, 30), kept.subList(0, 8));
        for (int k = 1; k < kept.size(); k++) {
            int gap = kept.get(k) - kept.get(k - 1);
            assertTrue(gap == 4 || gap == 5, "gap " + gap + " before frame " + kept.get(k));
        }
        for (int second = 0; second < 10; second++) {
            int s = second;
            assertEquals(7, kept.stream().filter(i -> i / 30 == s).count(), "frames kept in second " + second);
        }
    }

    @Test
    void zeroKeepsEveryFrame() {
        assertEquals(100, kept(new FrameSampler(0), 30, 100).size());
    }

    @Test
    void targetAtOrAboveTheSourceRateKeepsEveryFrame() {
        assertEquals(100, kept(new FrameSampler(25), 25, 100).size());
        assertEquals(100, kept(new FrameSampler(30), 10, 100).size());
    }

    @Test
    void ntscTimestampsAreNotThrownOffByRounding() {
        // 29.97 fps in a 90 kHz time base: timestamps land a few µs either side of the slots
        FrameSampler sampler = new FrameSampler(29.97 / 6);
        int kept = 0;
        for (int i = 0; i < 2997; i++) {
            long ticks = i * 3003L;
            if (sampler.accept(ticks * 1_000_000 / 90_000)) {
                kept++;
            }
        }
        assertEquals(500, kept);
    }

    @Test
    void jitteredLiveTimestampsStillKeepEveryFifthFrame() {
        FrameSampler sampler = new FrameSampler(5);
        Random random = new Random(1);
        int kept = 0;
        for (int i = 0; i < 500; i++) {
            long jitter = random.nextInt(401) - 200; // ±200 µs
            if (sampler.accept(i * 40_000L + jitter + (i == 0 ? 200 : 0))) {
                kept++;
            }
        }
        assertEquals(100, kept);
    }

    @Test
    void variableFrameRateIsSampledByTime() {
        // 10 s whose frame rate alternates between 50 fps and 10 fps every second
        FrameSampler sampler = new FrameSampler(5);
        List<Long> keptAt = new ArrayList<>();
        long t = 0;
        for (int second = 0; second < 10; second++) {
            int fps = second % 2 == 0 ? 50 : 10;
            for (int i = 0; i < fps; i++) {
                if (sampler.accept(t)) {
                    keptAt.add(t);
                }
                t += 1_000_000 / fps;
            }
        }
        assertTrue(keptAt.size() >= 49 && keptAt.size() <= 51, "kept " + keptAt.size() + " of 10 s at 5 fps");
        for (int k = 1; k < keptAt.size(); k++) {
            assertTrue(keptAt.get(k) - keptAt.get(k - 1) >= 199_000, "frames " + keptAt.get(k - 1) + " and "
                    + keptAt.get(k) + " µs are closer than one interval");
        }
    }

    @Test
    void aGapInTheStreamRestartsTheGridWithoutABurst() {
        FrameSampler sampler = new FrameSampler(5);
        for (int i = 0; i < 25; i++) {
            sampler.accept(i * 40_000L);
        }
        // 10 s without frames, then 25 fps again: the first frame is kept, then every fifth, not a catch-up burst
        List<Integer> kept = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            if (sampler.accept(11_000_000L + i * 40_000L)) {
                kept.add(i);
            }
        }
        assertEquals(List.of(0, 5, 10, 15, 20), kept);
    }

    @Test
    void timestampsGoingBackwardsStartANewGrid() {
        FrameSampler sampler = new FrameSampler(5);
        assertTrue(sampler.accept(5_000_000));
        // a replay loop or a new session starts again at 0: taken, then every fifth frame from there
        assertEquals(List.of(0, 5, 10), kept(sampler, 25, 11));
    }

    @Test
    void resetTakesTheNextFrame() {
        FrameSampler sampler = new FrameSampler(1);
        assertTrue(sampler.accept(0));
        assertTrue(!sampler.accept(500_000));
        sampler.reset();
        assertTrue(sampler.accept(600_000));
    }

    @Test
    void rejectsNegativeOrInfiniteRates() {
        assertThrows(IllegalArgumentException.class, () -> new FrameSampler(-1));
        assertThrows(IllegalArgumentException.class, () -> new FrameSampler(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new FrameSampler(Double.POSITIVE_INFINITY));
    }
}
