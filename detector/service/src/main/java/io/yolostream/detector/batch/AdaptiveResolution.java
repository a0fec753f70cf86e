package io.yolostream.detector.batch;

import java.util.Objects;
import java.util.OptionalDouble;

/**
 * Runs each batch at the largest ladder size the detector can afford right now: quality when there is slack,
 * throughput and latency when there is not.
 *
 * <p>A size fits when, at its predicted cost {@code c} (from {@link CostModel}) for this batch size {@code b}:
 * <ol>
 *   <li>throughput {@code b / c} is at least {@code headroom x (arrival rate + lag / drainHorizon)}: keeps ahead of
 *       arrivals and drains the backlog within the horizon;</li>
 *   <li>{@code oldestAge + c <= latencyBudget}: the oldest frame's record is out within the budget.</li>
 * </ol>
 * Hysteresis, so a load hovering at a threshold does not flip the size every batch (which would make quality and
 * the cost averages jitter): step down at once, to the largest size at or below the current one that fits (possibly
 * several rungs; the ladder's minimum when none does, since going lower is not offered); step up one rung only after
 * that rung has fitted with its cost inflated by {@code 1 + stepUpSlack} for {@code stepUpAfter} consecutive batches.
 * The first choice has no history to smooth, so it takes the largest size that fits. With no cost measured yet it
 * picks the minimum, whose measurement then seeds the model.
 *
 * <p>Synchronized for safety, but meant to be called from the one consumer loop.
 */
public final class AdaptiveResolution implements ResolutionPolicy {
    static final String NAME = "adaptive";

    /**
     * @param latencyBudgetMs most the oldest frame may age before its batch finishes (e.g. 1000)
     * @param headroom        throughput over demand required (e.g. 1.1: 10% spare)
     * @param drainHorizonMs  within how long a backlog (lag) should be worked off (e.g. 5000)
     * @param stepUpAfter     consecutive batches the next rung must fit before stepping up (e.g. 3)
     * @param stepUpSlack     cost margin the next rung must fit with (e.g. 0.2: its cost + 20% must still fit)
     */
    public record Settings(long latencyBudgetMs, double headroom, long drainHorizonMs, int stepUpAfter,
                           double stepUpSlack) {
        public static final Settings DEFAULTS = new Settings(1000, 1.1, 5000, 3, 0.2);

        public Settings {
            require(latencyBudgetMs > 0, "latency budget: expected > 0 ms, found " + latencyBudgetMs);
            require(headroom >= 1 && !Double.isInfinite(headroom), "headroom: expected >= 1, found " + headroom);
            require(drainHorizonMs > 0, "drain horizon: expected > 0 ms, found " + drainHorizonMs);
            require(stepUpAfter >= 1, "step-up after: expected >= 1 batches, found " + stepUpAfter);
            require(stepUpSlack >= 0 && !Double.isInfinite(stepUpSlack), "step-up slack: expected >= 0, found " + stepUpSlack);
        }

        public Settings withLatencyBudgetMs(long ms) {
            return new Settings(ms, headroom, drainHorizonMs, stepUpAfter, stepUpSlack);
        }

        public Settings withHeadroom(double h) {
            return new Settings(latencyBudgetMs, h, drainHorizonMs, stepUpAfter, stepUpSlack);
        }

        public Settings withDrainHorizonMs(long ms) {
            return new Settings(latencyBudgetMs, headroom, ms, stepUpAfter, stepUpSlack);
        }

        public Settings withStepUpAfter(int n) {
            return new Settings(latencyBudgetMs, headroom, drainHorizonMs, n, stepUpSlack);
        }

        public Settings withStepUpSlack(double slack) {
            return new Settings(latencyBudgetMs, headroom, drainHorizonMs, stepUpAfter, slack);
        }

        private static void require(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException("adaptive resolution " + message);
            }
        }
    }

    private final ResolutionLadder ladder;
    private final CostModel costs;
    private final Settings settings;
    private int rung = -1;
    private int goodStreak;

    public AdaptiveResolution(ResolutionLadder ladder, CostModel costs, Settings settings) {
        this.ladder = Objects.requireNonNull(ladder, "ladder");
        this.costs = Objects.requireNonNull(costs, "costs");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    @Override
    public synchronized int choose(BatchContext ctx) {
        if (costs.isEmpty()) {
            rung = 0;
            goodStreak = 0;
        } else if (rung < 0) {
            rung = Math.max(0, largestFitting(ctx, ladder.rungs() - 1, 1));
        } else if (!fits(ctx, rung, 1)) {
            rung = Math.max(0, largestFitting(ctx, rung - 1, 1));
            goodStreak = 0;
        } else if (rung + 1 < ladder.rungs() && fits(ctx, rung + 1, 1 + settings.stepUpSlack())) {
            if (++goodStreak >= settings.stepUpAfter()) {
                rung++;
                goodStreak = 0;
            }
        } else {
            goodStreak = 0;
        }
        return ladder.size(rung);
    }

    /** The size last chosen, or the ladder's minimum before the first batch. */
    public synchronized int current() {
        return ladder.size(Math.max(0, rung));
    }

    @Override
    public String describe() {
        return NAME;
    }

    @Override
    public String toString() {
        return NAME + " " + ladder + " " + settings;
    }

    /** Highest rung at or below {@code top} that fits, or -1. */
    private int largestFitting(BatchContext ctx, int top, double inflate) {
        for (int r = top; r >= 0; r--) {
            if (fits(ctx, r, inflate)) {
                return r;
            }
        }
        return -1;
    }

    private boolean fits(BatchContext ctx, int r, double inflate) {
        OptionalDouble estimate = costs.estimate(ctx.batchSize(), ladder.size(r));
        if (estimate.isEmpty()) {
            return false;
        }
        double costMs = estimate.getAsDouble() * inflate;
        double demand = ctx.arrivalRate() + ctx.lag() * 1000.0 / settings.drainHorizonMs();
        boolean keepsUp = ctx.batchSize() * 1000.0 >= settings.headroom() * demand * costMs;
        boolean inBudget = ctx.oldestAgeMs() + costMs <= settings.latencyBudgetMs();
        return keepsUp && inBudget;
    }
}
