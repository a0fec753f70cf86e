package io.yolostream.deploy.track;

import io.yolostream.sinks.track.Box;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** CLEAR MOT and IDF1 on cases small enough to count by hand. */
class MotMetricsTest {
    private static MotRow r(int frame, String id, double x) {
        return new MotRow(frame, id, new Box(x, 0, 10, 10), 1);
    }

    @Test
    void aPerfectHypothesis() {
        List<MotRow> gt = List.of(r(1, "1", 0), r(1, "2", 50), r(2, "1", 1), r(2, "2", 49), r(3, "1", 2), r(3, "2", 48));
        List<MotRow> hyp = gt.stream().map(x -> new MotRow(x.frame(), x.id().equals("1") ? "a" : "b", x.box(), 1))
                .toList();
        MotMetrics.Scores s = MotMetrics.evaluate(gt, hyp, 0.5);
        assertEquals(1.0, s.mota());
        assertEquals(1.0, s.idf1());
        assertEquals(0, s.idsw());
        assertEquals(6, s.matches());
    }

    @Test
    void oneObjectWhoseTrackChangesIdHalfway() {
        // 4 frames, hypothesis a for 2 then b for 2: 1 switch; MOTA = 1 − 1/4; the best one-to-one trajectory match
        // covers 2 of the 4 boxes on each side: IDF1 = 2·2 / (4 + 4)
        List<MotRow> gt = List.of(r(1, "1", 0), r(2, "1", 1), r(3, "1", 2), r(4, "1", 3));
        List<MotRow> hyp = List.of(r(1, "a", 0), r(2, "a", 1), r(3, "b", 2), r(4, "b", 3));
        MotMetrics.Scores s = MotMetrics.evaluate(gt, hyp, 0.5);
        assertEquals(1, s.idsw());
        assertEquals(0.75, s.mota(), 1e-12);
        assertEquals(0.5, s.idf1(), 1e-12);
        assertEquals(2, s.hypIds());
    }

    @Test
    void twoObjectsWhoseTracksSwap() {
        // frames 1–2: 1↔a, 2↔b; frames 3–4: 1↔b, 2↔a: two switches at frame 3; MOTA = 1 − 2/8;
        // IDF1: 1↔a and 2↔b agree on 2 frames each: IDTP 4, IDF1 = 2·4 / (8 + 8)
        List<MotRow> gt = new ArrayList<>();
        List<MotRow> hyp = new ArrayList<>();
        for (int f = 1; f <= 4; f++) {
            gt.add(r(f, "1", 0));
            gt.add(r(f, "2", 100));
            hyp.add(r(f, f <= 2 ? "a" : "b", 0));
            hyp.add(r(f, f <= 2 ? "b" : "a", 100));
        }
        MotMetrics.Scores s = MotMetrics.evaluate(gt, hyp, 0.5);
        assertEquals(2, s.idsw());
        assertEquals(0.75, s.mota(), 1e-12);
        assertEquals(0.5, s.idf1(), 1e-12);
    }

    @Test
    void aBoxOverlappingTooLittleIsAMissAndAFalsePositive() {
        // shifted 6 px: IoU = 40 / 160 = 0.25 < 0.5
        MotMetrics.Scores s = MotMetrics.evaluate(List.of(r(1, "1", 0)), List.of(r(1, "a", 6)), 0.5);
        assertEquals(1, s.fn());
        assertEquals(1, s.fp());
        assertEquals(-1.0, s.mota(), 1e-12);
        assertEquals(0.0, s.idf1());
        // at IoU ≥ 0.2 it matches
        assertEquals(1.0, MotMetrics.evaluate(List.of(r(1, "1", 0)), List.of(r(1, "a", 6)), 0.2).mota());
    }

    @Test
    void aGapIsMissesNotASwitchAndCorrespondencesAreKept() {
        // frames 1, 2, 4 matched to a, frame 3 missed: 1 FN, no switch; MOTA = 1 − 1/4; IDF1 = 2·3 / (4 + 3)
        List<MotRow> gt = List.of(r(1, "1", 0), r(2, "1", 1), r(3, "1", 2), r(4, "1", 3));
        List<MotRow> hyp = List.of(r(1, "a", 0), r(2, "a", 1), r(4, "a", 3));
        MotMetrics.Scores s = MotMetrics.evaluate(gt, hyp, 0.5);
        assertEquals(0, s.idsw());
        assertEquals(1, s.fn());
        assertEquals(0.75, s.mota(), 1e-12);
        assertEquals(6.0 / 7.0, s.idf1(), 1e-12);
        // frame 2: a still overlaps (IoU 0.67) though b overlaps more (1.0): CLEAR MOT keeps a, b is a false positive
        List<MotRow> gt2 = List.of(r(1, "1", 0), r(2, "1", 0));
        List<MotRow> hyp2 = List.of(r(1, "a", 0), r(2, "a", 2), r(2, "b", 0));
        MotMetrics.Scores k = MotMetrics.evaluate(gt2, hyp2, 0.5);
        assertEquals(0, k.idsw());
        assertEquals(1, k.fp());
    }
}
