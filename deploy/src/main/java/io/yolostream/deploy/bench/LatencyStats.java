package io.yolostream.deploy.bench;

import java.util.Arrays;

/** Percentiles (nearest rank) of a set of latencies in milliseconds. */
public record LatencyStats(int count, double p50, double p90, double p99, double max, double mean) {

    public static LatencyStats of(double[] millis) {
        if (millis.length == 0) {
            return new LatencyStats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        double[] v = millis.clone();
        Arrays.sort(v);
        return new LatencyStats(v.length, rank(v, 0.50), rank(v, 0.90), rank(v, 0.99), v[v.length - 1],
                Arrays.stream(v).average().orElse(Double.NaN));
    }

    /** The smallest value with at least {@code q} of all values at or below it. */
    static double rank(double[] sorted, double q) {
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }
}
