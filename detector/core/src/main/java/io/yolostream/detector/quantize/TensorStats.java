package io.yolostream.detector.quantize;

import java.nio.FloatBuffer;

/**
 * Calibration statistics of one tensor over many images: the minimum, the maximum, and histograms of the positive
 * and negative values' magnitudes. The histograms keep a fixed number of bins and double the bin width (merging
 * pairs) when a larger value arrives, so one pass over the images is enough for every {@link RangeMethod}.
 */
public final class TensorStats {
    static final int BINS = 2048;
    private static final int ENTROPY_LEVELS = 128;

    private float min = Float.POSITIVE_INFINITY;
    private float max = Float.NEGATIVE_INFINITY;
    private double binWidth;
    private final long[] pos = new long[BINS];
    private final long[] neg = new long[BINS];
    private long count;

    /** An activation range; always contains 0 (so that zero and padding quantize exactly). */
    public record Range(float min, float max) {
    }

    public void add(FloatBuffer values) {
        int n = values.remaining();
        int base = values.position();
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            float v = values.get(base + i);
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        if (n == 0) {
            return;
        }
        min = Math.min(min, lo);
        max = Math.max(max, hi);
        double absMax = Math.max(Math.abs(lo), Math.abs(hi));
        if (binWidth == 0) {
            binWidth = absMax > 0 ? absMax / BINS * 1.0001 : 0;
        }
        if (binWidth == 0) {
            pos[0] += n; // all zeros so far
            count += n;
            return;
        }
        while (absMax >= binWidth * BINS) {
            merge(pos);
            merge(neg);
            binWidth *= 2;
        }
        double inv = 1.0 / binWidth;
        for (int i = 0; i < n; i++) {
            float v = values.get(base + i);
            if (v >= 0) {
                pos[Math.min(BINS - 1, (int) (v * inv))]++;
            } else {
                neg[Math.min(BINS - 1, (int) (-v * inv))]++;
            }
        }
        count += n;
    }

    private static void merge(long[] h) {
        for (int i = 0; i < BINS / 2; i++) {
            h[i] = h[2 * i] + h[2 * i + 1];
        }
        java.util.Arrays.fill(h, BINS / 2, BINS, 0);
    }

    public long count() {
        return count;
    }

    public float min() {
        return min;
    }

    public float max() {
        return max;
    }

    /** @param percentile for {@link RangeMethod#PERCENTILE}, e.g. 99.99 (ignored otherwise) */
    public Range range(RangeMethod method, double percentile) {
        if (count == 0) {
            return new Range(0, 0);
        }
        float lo = Math.min(min, 0);
        float hi = Math.max(max, 0);
        if (binWidth == 0) {
            return new Range(lo, hi);
        }
        return switch (method) {
            case MINMAX -> new Range(lo, hi);
            case PERCENTILE -> {
                long tail = (long) Math.floor(count * (1 - percentile / 100.0));
                float top = (float) (upperEdge(pos, tail) * binWidth);
                float bottom = (float) (-upperEdge(neg, tail) * binWidth);
                yield new Range(Math.max(lo, bottom), Math.min(hi, top));
            }
            case ENTROPY -> {
                long[] abs = new long[BINS];
                for (int i = 0; i < BINS; i++) {
                    abs[i] = pos[i] + neg[i];
                }
                float t = (float) (entropyThresholdBins(abs) * binWidth);
                yield new Range(Math.max(lo, -t), Math.min(hi, t));
            }
        };
    }

    /** The bin count (from 0) below which all but {@code tail} of the values of {@code h} lie. */
    private static int upperEdge(long[] h, long tail) {
        long seen = 0;
        for (int i = BINS - 1; i >= 0; i--) {
            seen += h[i];
            if (seen > tail) {
                return i + 1;
            }
        }
        return 0;
    }

    /**
     * TensorRT's calibration: for each candidate threshold (in bins), fold the values above it into the last bin,
     * requantize to {@value #ENTROPY_LEVELS} levels, and keep the threshold with the smallest KL(P || Q).
     */
    static int entropyThresholdBins(long[] h) {
        int last = BINS;
        while (last > 0 && h[last - 1] == 0) {
            last--;
        }
        if (last <= ENTROPY_LEVELS) {
            return Math.max(last, 1);
        }
        long total = 0;
        for (long v : h) {
            total += v;
        }
        double best = Double.POSITIVE_INFINITY;
        int bestI = last;
        double[] p = new double[BINS];
        double[] q = new double[BINS];
        for (int i = ENTROPY_LEVELS; i <= last; i++) {
            long outliers = 0;
            for (int k = i; k < BINS; k++) {
                outliers += h[k];
            }
            for (int k = 0; k < i; k++) {
                p[k] = h[k];
            }
            p[i - 1] += outliers;
            // Q: the first i bins merged into ENTROPY_LEVELS levels, each level spread over its non-empty bins
            for (int j = 0; j < ENTROPY_LEVELS; j++) {
                int start = j * i / ENTROPY_LEVELS;
                int end = (j + 1) * i / ENTROPY_LEVELS;
                double sum = 0;
                int nonEmpty = 0;
                for (int k = start; k < end; k++) {
                    sum += h[k];
                    if (h[k] != 0) {
                        nonEmpty++;
                    }
                }
                for (int k = start; k < end; k++) {
                    q[k] = h[k] == 0 || nonEmpty == 0 ? 0 : sum / nonEmpty;
                }
            }
            double kl = 0;
            double pSum = total;
            double qSum = 0;
            for (int k = 0; k < i; k++) {
                qSum += q[k];
            }
            for (int k = 0; k < i; k++) {
                if (p[k] == 0) {
                    continue;
                }
                double pk = p[k] / pSum;
                double qk = q[k] == 0 ? 1e-12 : q[k] / qSum;
                kl += pk * Math.log(pk / qk);
            }
            if (kl < best) {
                best = kl;
                bestI = i;
            }
        }
        return bestI;
    }
}
