package io.yolostream.detector.batch;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Fake cost table: {@code cost(b, s) = b * (s/32)^2 / 2} ms, so at batch 4 the sizes 320..608 cost 200..722 ms and
 * sustain 20.0, 16.5, 13.9, 11.8, 10.2, 8.9, 7.8, 6.9, 6.2, 5.5 frames/s. Defaults: budget 1000 ms, headroom 1.1,
 * drain horizon 5 s, step up after 3 batches with 20% slack. Time is a fake clock advanced by hand.
 */
class AdaptiveResolutionTest {
    private static final ResolutionLadder LADDER = ResolutionLadder.DEFAULT;
    private static final int BATCH = 4;

    private long now = 0;

    private static double table(int batch, int size) {
        double r = size / 32.0;
        return batch * r * r / 2;
    }

    private static CostModel fullTable() {
        CostModel costs = new CostModel(LADDER, BATCH);
        for (int s : LADDER.sizes()) {
            costs.record(1, s, table(1, s));
            costs.record(BATCH, s, table(BATCH, s));
        }
        return costs;
    }

    private static AdaptiveResolution policy(CostModel costs) {
        return new AdaptiveResolution(LADDER, costs, AdaptiveResolution.Settings.DEFAULTS);
    }

    private BatchContext ctx(double rate) {
        return ctx(rate, 0, 0);
    }

    private BatchContext ctx(double rate, long lag, long ageMs) {
        now += 500;
        return new BatchContext(BATCH, now, ageMs, lag, rate);
    }

    @Test
    void picksTheLargestSizeThatKeepsAhead() {
        assertEquals(480, policy(fullTable()).choose(ctx(8)), "needs 8.8 fps: 480 gives 8.9, 512 only 7.8");
        assertEquals(608, policy(fullTable()).choose(ctx(1)));
        assertEquals(320, policy(fullTable()).choose(ctx(17)), "16.5 < 17 x 1.1 <= 20");
    }

    @Test
    void dropsAtOnceAndSeveralRungsWhenLagGrows() {
        AdaptiveResolution p = policy(fullTable());
        assertEquals(608, p.choose(ctx(5)));
        assertEquals(352, p.choose(ctx(5, 50, 0)), "5 fps + 50 frames over 5 s = 15 fps, x1.1 = 16.5");
        assertEquals(352, p.current());
    }

    @Test
    void respectsTheLatencyBudget() {
        assertEquals(448, policy(fullTable()).choose(ctx(0.1, 0, 600)), "600 + 392 <= 1000 < 600 + 450");
        AdaptiveResolution relaxed = new AdaptiveResolution(LADDER, fullTable(),
                AdaptiveResolution.Settings.DEFAULTS.withLatencyBudgetMs(2_000));
        assertEquals(608, relaxed.choose(ctx(0.1, 0, 600)));
    }

    @Test
    void neverBelowTheMinimumEvenWhenHopeless() {
        AdaptiveResolution p = policy(fullTable());
        assertEquals(320, p.choose(ctx(0.1, 0, 5_000)), "oldest frame already past the budget");
        assertEquals(320, p.choose(ctx(1_000)), "arrivals far beyond any size");
        assertEquals(320, p.choose(ctx(1_000, 100_000, 60_000)));
    }

    @Test
    void doesNotFlapWhenTheLoadOscillatesAroundAThreshold() {
        assertEquals(512, policy(fullTable()).choose(ctx(7.0)), "at 7.0 fps 512 fits, at 7.3 it does not");
        AdaptiveResolution p = policy(fullTable());
        assertEquals(480, p.choose(ctx(7.3)));
        List<Integer> chosen = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            chosen.add(p.choose(ctx(i % 2 == 0 ? 7.0 : 7.3)));
        }
        assertEquals(List.of(480), chosen.stream().distinct().toList(), "512 never fits with 20% slack");

        List<Integer> wide = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            wide.add(p.choose(ctx(i % 2 == 0 ? 1.0 : 7.3)));
        }
        assertEquals(List.of(480), wide.stream().distinct().toList(), "good batches never 3 in a row");
    }

    @Test
    void stepsUpOneRungAfterNConsecutiveGoodBatches() {
        AdaptiveResolution p = policy(fullTable());
        assertEquals(480, p.choose(ctx(8)));
        List<Integer> chosen = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            chosen.add(p.choose(ctx(1)));
        }
        assertEquals(List.of(480, 480, 512, 512, 512, 544, 544, 544, 576, 576, 576, 608), chosen);
    }

    @Test
    void aMarginalBatchRestartsTheStepUpCount() {
        AdaptiveResolution p = policy(fullTable());
        assertEquals(480, p.choose(ctx(8)));
        List<Integer> chosen = new ArrayList<>();
        for (double rate : new double[]{1, 1, 7.3, 1, 1, 1}) {
            chosen.add(p.choose(ctx(rate)));
        }
        assertEquals(List.of(480, 480, 480, 480, 480, 512), chosen);
    }

    @Test
    void followsTheRunningAverageOfMeasuredCosts() {
        CostModel costs = fullTable();
        AdaptiveResolution p = policy(costs);
        assertEquals(608, p.choose(ctx(5)));
        costs.record(BATCH, 608, 900);
        // average 722 + 0.2 x (900 - 722) = 757.6 ms: 5.28 fps < 5.5 needed
        assertEquals(576, p.choose(ctx(5)));
    }

    @Test
    void worksFromTheWarmUpPlanAlone() {
        CostModel costs = new CostModel(LADDER, BATCH);
        for (CostModel.Run run : costs.warmUpPlan()) {
            costs.record(run.batch(), run.size(), table(run.batch(), run.size()));
        }
        assertEquals(480, policy(costs).choose(ctx(8)), "batch 4 at 448..576 interpolated in pixels");
        assertEquals(480, policy(costs).choose(new BatchContext(2, now, 0, 0, 8)), "batch 2 between rows 1 and 4");
        assertEquals(416, policy(costs).choose(new BatchContext(2, now, 0, 0, 10)));
    }

    @Test
    void withNoCostsYetStartsAtTheMinimum() {
        CostModel costs = new CostModel(LADDER, BATCH);
        AdaptiveResolution p = policy(costs);
        assertEquals(320, p.choose(ctx(1)));
        costs.record(BATCH, 320, table(BATCH, 320));
        List<Integer> chosen = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            chosen.add(p.choose(ctx(1)));
        }
        assertEquals(List.of(320, 320, 352, 352, 352, 384), chosen, "climbs on extrapolated costs");
    }

    @Test
    void settingsAreValidated() {
        AdaptiveResolution.Settings d = AdaptiveResolution.Settings.DEFAULTS;
        assertThrows(IllegalArgumentException.class, () -> d.withLatencyBudgetMs(0));
        assertThrows(IllegalArgumentException.class, () -> d.withHeadroom(0.9));
        assertThrows(IllegalArgumentException.class, () -> d.withDrainHorizonMs(0));
        assertThrows(IllegalArgumentException.class, () -> d.withStepUpAfter(0));
        assertThrows(IllegalArgumentException.class, () -> d.withStepUpSlack(-0.1));
        assertThrows(IllegalArgumentException.class, () -> new BatchContext(0, 0, 0, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new BatchContext(1, 0, 0, 0, Double.NaN));
        assertEquals(0, new BatchContext(1, 0, -5, -3, 0).oldestAgeMs(), "clock skew counts as age 0");
    }
}
