package io.yolostream.sinks.track;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrackerTest {
    private static Observation obs(double cx, double cy, double score, int index) {
        return new Observation(Box.ofCenter(cx, cy, 40, 100), score, 0, List.of(), index);
    }

    /** Number of the reported track matched to observation {@code index}, 0 if none. */
    private static long numberOf(Tracker.Step s, int index) {
        return s.reported().stream().filter(t -> t.matched() == index).mapToLong(Track::number).findFirst().orElse(0);
    }

    @Test
    void twoObjectsCrossingKeepTheirIdsAtLowFrameRates() {
        for (double fps : new double[]{25, 5, 2}) {
            Tracker t = new Tracker(TrackerParams.DEFAULTS);
            long dt = Math.round(1000 / fps);
            long a = 0;
            long b = 0;
            // A walks right, B walks left on the same line: they overlap in the middle (B in front, A missed there)
            for (int k = 0; k * dt <= 8000; k++) {
                double s = k * dt / 1000.0;
                double ax = 100 + 100 * s;
                double bx = 900 - 100 * s;
                List<Observation> o = new ArrayList<>();
                boolean overlap = Math.abs(ax - bx) < 40;
                if (!overlap) {
                    o.add(obs(ax, 300, 0.9, 0));
                }
                o.add(obs(bx, 305, 0.9, 1));
                Tracker.Step step = t.step(k * dt, o);
                long na = numberOf(step, 0);
                long nb = numberOf(step, 1);
                if (na != 0 && a == 0) {
                    a = na;
                }
                if (nb != 0 && b == 0) {
                    b = nb;
                }
                if (na != 0) {
                    assertEquals(a, na, "A keeps its number at " + fps + " fps, t=" + s);
                }
                if (nb != 0) {
                    assertEquals(b, nb, "B keeps its number at " + fps + " fps, t=" + s);
                }
            }
            assertTrue(a != 0 && b != 0 && a != b, "two tracks at " + fps + " fps");
            assertEquals(3, t.nextNumber(), "no third track at " + fps + " fps");
        }
    }

    @Test
    void aTrackLostWithinTheTimeoutKeepsItsNumberAndEndsAfterIt() {
        Tracker t = new Tracker(TrackerParams.DEFAULTS.withLostTimeoutMs(2000));
        long time = 0;
        for (int k = 0; k < 5; k++, time += 200) {
            t.step(time, List.of(obs(100 + 20 * k, 300, 0.9, 0)));
        }
        assertEquals(1, t.tracks().get(0).number(), "confirmed after 3 hits");
        // gone for 1.6 s (8 frames): LOST, predicted onwards
        for (int k = 5; k < 13; k++, time += 200) {
            Tracker.Step s = t.step(time, List.of());
            assertEquals(TrackState.LOST, s.reported().get(0).state());
        }
        // back where it would be by now
        Tracker.Step back = t.step(time, List.of(obs(100 + 20 * 13, 300, 0.9, 0)));
        assertEquals(1, numberOf(back, 0), "same number after 1.6 s lost");
        assertEquals(TrackState.CONFIRMED, back.reported().get(0).state());
        // gone for longer than the timeout: ends, and a new object is a new track
        List<Track> ended = new ArrayList<>();
        for (int k = 14; k < 30; k++) {
            time += 200;
            ended.addAll(t.step(time, List.of()).ended());
        }
        assertEquals(1, ended.size());
        assertEquals("timeout", ended.get(0).endReason());
        assertTrue(ended.get(0).lastSeenMs() < time - 2000);
        for (int k = 0; k < 3; k++) {
            time += 200;
            t.step(time, List.of(obs(100 + 20 * 31, 300, 0.9, 0)));
        }
        assertEquals(2, t.tracks().get(0).number());
    }

    @Test
    void aLongerStepIsTheSameAsMissedFrames() {
        // the same motion at 5 fps, once with every frame and once with a 2 s gap (SKIPPED_STALE): same prediction
        Tracker every = new Tracker(TrackerParams.DEFAULTS);
        Tracker gap = new Tracker(TrackerParams.DEFAULTS);
        for (int k = 0; k < 5; k++) {
            every.step(k * 200L, List.of(obs(100 + 40 * k, 300, 0.9, 0)));
            gap.step(k * 200L, List.of(obs(100 + 40 * k, 300, 0.9, 0)));
        }
        gap.expire(1000);
        gap.expire(2400); // skipped frames only let time pass
        Tracker.Step s = gap.step(3000, List.of(obs(100 + 40 * 15, 300, 0.9, 0)));
        assertEquals(1, numberOf(s, 0), "the object 2 s later, 400 px on, is the same track");
    }

    @Test
    void tentativeTracksAreNotReportedAndFalsePositivesNeverConfirm() {
        Tracker t = new Tracker(TrackerParams.DEFAULTS);
        Tracker.Step s = t.step(0, List.of(obs(100, 100, 0.9, 0)));
        assertTrue(s.reported().isEmpty() && s.started().isEmpty());
        s = t.step(200, List.of(obs(104, 100, 0.9, 0)));
        assertTrue(s.reported().isEmpty());
        s = t.step(400, List.of(obs(108, 100, 0.9, 0)));
        assertEquals(1, s.started().size());
        assertEquals(1, s.started().get(0).number());
        // a false positive per frame somewhere in a 1280 × 720 frame (not moving as one object): no track
        java.util.Random r = new java.util.Random(3);
        for (int k = 0; k < 50; k++) {
            t.step(600 + k * 200L, List.of(obs(112 + 4 * k, 100, 0.9, 0), obs(20 + 1240 * r.nextDouble(),
                    50 + 620 * r.nextDouble(), 0.9, 1)));
        }
        assertEquals(2, t.nextNumber(), "random false positives confirm nothing");
    }

    @Test
    void lowScoreDetectionsExtendTracksButStartNone() {
        Tracker t = new Tracker(TrackerParams.DEFAULTS);
        for (int k = 0; k < 4; k++) {
            t.step(k * 200L, List.of(obs(100 + 10 * k, 300, 0.9, 0)));
        }
        // partly hidden: the detector's score drops to 0.3 (below high-score): still the same track
        for (int k = 4; k < 8; k++) {
            Tracker.Step s = t.step(k * 200L, List.of(obs(100 + 10 * k, 300, 0.3, 0), obs(700, 600, 0.3, 1)));
            assertEquals(1, numberOf(s, 0), "low-score detection matched at frame " + k);
            assertEquals(0, numberOf(s, 1));
        }
        assertEquals(1, t.tracks().size(), "the lone low-score detection started no track");
    }

    @Test
    void capturesMustComeInOrder() {
        Tracker t = new Tracker(TrackerParams.DEFAULTS);
        t.step(1000, List.of());
        try {
            t.step(999, List.of());
            throw new AssertionError("expected an exception");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage().contains("expected capture times in order"), e.getMessage());
        }
    }
}
