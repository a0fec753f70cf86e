package io.yolostream.detector.batch;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;

/**
 * Milliseconds one batch holds the detector, per (batch size, input size). Measured at start by a short warm-up and
 * then after every batch, as an exponential running average so the model follows load changes (thermal throttling,
 * a neighbour on the machine) without one outlier swinging it.
 *
 * <p>Unmeasured pairs are estimated in two steps: within each measured batch size, linearly in pixels (cost of a
 * convolutional net grows with pixels) between the nearest measured sizes, proportionally to pixels outside them;
 * then across batch sizes, linearly between the nearest measured batch sizes (keeps the fixed per-call overhead),
 * proportionally to the batch outside them. Thread-safe: the service records from its loop while metrics may read.
 */
public final class CostModel {
    /** One warm-up inference: run a batch of {@code batch} frames at {@code size}. */
    public record Run(int batch, int size) {
    }

    /** Most ladder sizes the warm-up visits at batch 1; a longer ladder is sampled evenly, min and max included. */
    static final int WARM_UP_SIZES = 10;

    private final ResolutionLadder ladder;
    private final int maxBatch;
    private final double alpha;
    /** batch -> size -> running average ms. */
    private final NavigableMap<Integer, NavigableMap<Integer, Double>> costs = new TreeMap<>();

    public CostModel(ResolutionLadder ladder, int maxBatch) {
        this(ladder, maxBatch, 0.2);
    }

    public CostModel(ResolutionLadder ladder, int maxBatch, double alpha) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("cost model max batch: expected >= 1, found " + maxBatch);
        }
        if (!(alpha > 0 && alpha <= 1)) {
            throw new IllegalArgumentException("cost model alpha: expected a value in (0, 1], found " + alpha);
        }
        this.ladder = ladder;
        this.maxBatch = maxBatch;
        this.alpha = alpha;
    }

    /** The first sample of a pair sets it; later ones blend in with weight {@code alpha}. */
    public synchronized void record(int batch, int size, double millis) {
        if (batch < 1 || size <= 0 || !(millis >= 0) || Double.isInfinite(millis)) {
            throw new IllegalArgumentException("cost model record: expected batch >= 1, size > 0, finite millis >= 0,"
                    + " found batch " + batch + ", size " + size + ", " + millis + " ms");
        }
        costs.computeIfAbsent(batch, b -> new TreeMap<>())
                .merge(size, millis, (old, now) -> old + alpha * (now - old));
    }

    /** Measured or estimated ms for a batch; empty until anything has been recorded. */
    public synchronized OptionalDouble estimate(int batch, int size) {
        if (costs.isEmpty()) {
            return OptionalDouble.empty();
        }
        NavigableMap<Integer, Double> row = costs.get(batch);
        if (row != null) {
            return OptionalDouble.of(inRow(row, size));
        }
        Map.Entry<Integer, NavigableMap<Integer, Double>> lo = costs.lowerEntry(batch);
        Map.Entry<Integer, NavigableMap<Integer, Double>> hi = costs.higherEntry(batch);
        if (lo != null && hi != null) {
            double cLo = inRow(lo.getValue(), size);
            double cHi = inRow(hi.getValue(), size);
            return OptionalDouble.of(lerp(lo.getKey(), cLo, hi.getKey(), cHi, batch));
        }
        Map.Entry<Integer, NavigableMap<Integer, Double>> near = lo != null ? lo : hi;
        return OptionalDouble.of(inRow(near.getValue(), size) * batch / near.getKey());
    }

    public synchronized boolean isEmpty() {
        return costs.isEmpty();
    }

    /**
     * What to run once at start: batch 1 at each ladder size (at most {@value #WARM_UP_SIZES}, spread evenly), which
     * gives the shape over pixels, plus {@code maxBatch} at the smallest and largest size, which gives the batching
     * gain. So at most 12 runs (the default ladder and max batch > 1: exactly 12), cheaper than every size at
     * {@code maxBatch}, which on a CPU with a large model would hold start-up for a minute or more.
     */
    public List<Run> warmUpPlan() {
        Set<Run> plan = new LinkedHashSet<>();
        for (int size : sampledSizes()) {
            plan.add(new Run(1, size));
        }
        if (maxBatch > 1) {
            plan.add(new Run(maxBatch, ladder.min()));
            plan.add(new Run(maxBatch, ladder.max()));
        }
        return List.copyOf(plan);
    }

    private List<Integer> sampledSizes() {
        int n = ladder.rungs();
        if (n <= WARM_UP_SIZES) {
            return ladder.sizes();
        }
        Set<Integer> picked = new LinkedHashSet<>();
        for (int i = 0; i < WARM_UP_SIZES; i++) {
            picked.add(ladder.size((int) Math.round(i * (n - 1) / (double) (WARM_UP_SIZES - 1))));
        }
        return new ArrayList<>(picked);
    }

    private static double inRow(NavigableMap<Integer, Double> row, int size) {
        Double exact = row.get(size);
        if (exact != null) {
            return exact;
        }
        Map.Entry<Integer, Double> lo = row.lowerEntry(size);
        Map.Entry<Integer, Double> hi = row.higherEntry(size);
        if (lo != null && hi != null) {
            return lerp(pixels(lo.getKey()), lo.getValue(), pixels(hi.getKey()), hi.getValue(), pixels(size));
        }
        Map.Entry<Integer, Double> near = lo != null ? lo : hi;
        return near.getValue() * pixels(size) / pixels(near.getKey());
    }

    private static double pixels(int size) {
        return (double) size * size;
    }

    private static double lerp(double x0, double y0, double x1, double y1, double x) {
        return y0 + (y1 - y0) * (x - x0) / (x1 - x0);
    }
}
