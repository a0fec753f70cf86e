package io.yolostream.detector.batch;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CostModelTest {
    private final CostModel costs = new CostModel(ResolutionLadder.DEFAULT, 8);

    @Test
    void emptyUntilSomethingIsRecorded() {
        assertTrue(costs.isEmpty());
        assertTrue(costs.estimate(1, 416).isEmpty());
        costs.record(1, 416, 50);
        assertEquals(50, costs.estimate(1, 416).getAsDouble(), 1e-9);
    }

    @Test
    void runningAverageBlendsNewSamples() {
        costs.record(4, 416, 100);
        costs.record(4, 416, 200);
        assertEquals(120, est(4, 416), 1e-9);
        costs.record(4, 416, 200);
        assertEquals(136, est(4, 416), 1e-9);
        CostModel fast = new CostModel(ResolutionLadder.DEFAULT, 8, 1.0);
        fast.record(1, 320, 10);
        fast.record(1, 320, 30);
        assertEquals(30, fast.estimate(1, 320).getAsDouble(), 1e-9, "alpha 1 keeps only the latest");
    }

    @Test
    void interpolatesInPixelsWithinABatchSize() {
        costs.record(1, 320, 10);
        costs.record(1, 608, 40);
        double expected = 10 + 30.0 * (416 * 416 - 320 * 320) / (608 * 608 - 320 * 320);
        assertEquals(expected, est(1, 416), 1e-9);
        assertEquals(40.0 * 640 * 640 / (608 * 608), est(1, 640), 1e-9, "beyond: proportional to pixels");
        assertEquals(10.0 / 4, est(1, 160), 1e-9, "below: proportional to pixels");
    }

    @Test
    void interpolatesAcrossBatchSizesAndExtrapolatesProportionally() {
        costs.record(1, 320, 10);
        costs.record(8, 320, 45);
        assertEquals(25, est(4, 320), 1e-9, "linear between batch 1 and 8");
        assertEquals(90, est(16, 320), 1e-9, "beyond max batch: proportional to batch");
        CostModel onlyBig = new CostModel(ResolutionLadder.DEFAULT, 8);
        onlyBig.record(8, 320, 80);
        assertEquals(20, onlyBig.estimate(2, 320).getAsDouble(), 1e-9);
    }

    @Test
    void warmUpPlanCoversEveryPairTheInterpolationNeeds() {
        costs.record(1, 320, 10);
        costs.record(1, 416, 20);
        costs.record(8, 320, 50);
        costs.record(8, 608, 190);
        // batch 8 at 416 comes from the batch-8 row (pixels), batch 4 at 416 from rows 1 and 8 (batch)
        double row8 = 50 + 140.0 * (416 * 416 - 320 * 320) / (608 * 608 - 320 * 320);
        assertEquals(row8, est(8, 416), 1e-9);
        assertEquals(20 + (row8 - 20) * 3 / 7, est(4, 416), 1e-9);
    }

    @Test
    void warmUpPlanIsShort() {
        List<CostModel.Run> plan = costs.warmUpPlan();
        assertEquals(12, plan.size());
        for (int s : ResolutionLadder.DEFAULT.sizes()) {
            assertTrue(plan.contains(new CostModel.Run(1, s)), "batch 1 at " + s);
        }
        assertTrue(plan.contains(new CostModel.Run(8, 320)));
        assertTrue(plan.contains(new CostModel.Run(8, 608)));

        assertEquals(10, new CostModel(ResolutionLadder.DEFAULT, 1).warmUpPlan().size(), "max batch 1: no batch rows");
        assertEquals(List.of(new CostModel.Run(1, 416)), new CostModel(ResolutionLadder.of(416), 1).warmUpPlan());
        assertEquals(List.of(new CostModel.Run(1, 416), new CostModel.Run(4, 416)),
                new CostModel(ResolutionLadder.of(416), 4).warmUpPlan());

        List<CostModel.Run> longPlan = new CostModel(ResolutionLadder.range(32, 1024, 32), 4).warmUpPlan();
        assertEquals(12, longPlan.size());
        assertTrue(longPlan.contains(new CostModel.Run(1, 32)));
        assertTrue(longPlan.contains(new CostModel.Run(1, 1024)));
    }

    @Test
    void recordsFromSeveralThreadsAreAllSeen() throws Exception {
        CostModel shared = new CostModel(ResolutionLadder.DEFAULT, 8, 1.0);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        for (int t = 0; t < 4; t++) {
            int batch = t + 1;
            pool.submit(() -> {
                for (int i = 0; i < 1_000; i++) {
                    shared.record(batch, 320 + 32 * (i % 10), batch * 10.0);
                    shared.estimate(batch, 416);
                }
            });
        }
        pool.shutdown();
        assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
        for (int b = 1; b <= 4; b++) {
            assertEquals(b * 10.0, shared.estimate(b, 608).getAsDouble(), 1e-9);
        }
    }

    @Test
    void rejectsBadInput() {
        assertThrows(IllegalArgumentException.class, () -> costs.record(0, 320, 1));
        assertThrows(IllegalArgumentException.class, () -> costs.record(1, 320, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> costs.record(1, 320, -1));
        assertThrows(IllegalArgumentException.class, () -> new CostModel(ResolutionLadder.DEFAULT, 0));
        assertThrows(IllegalArgumentException.class, () -> new CostModel(ResolutionLadder.DEFAULT, 1, 0));
    }

    private double est(int batch, int size) {
        return costs.estimate(batch, size).getAsDouble();
    }
}
