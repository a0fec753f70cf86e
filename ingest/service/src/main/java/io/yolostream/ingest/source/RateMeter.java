package io.yolostream.ingest.source;

/**
 * Events per second over the last few whole seconds (per-second buckets), for status: steady under a steady stream,
 * falling to 0 within {@value #SECONDS} s when the stream stops. Marked by one thread, read by any.
 */
final class RateMeter {
    private static final int SECONDS = 5;

    private final long originNanos;
    private final long[] counts = new long[SECONDS + 1];
    private final long[] secondOf = new long[SECONDS + 1];

    RateMeter(long originNanos) {
        this.originNanos = originNanos;
        java.util.Arrays.fill(secondOf, -1);
    }

    synchronized void mark(long nowNanos) {
        long second = secondAt(nowNanos);
        int i = (int) (second % counts.length);
        if (secondOf[i] != second) {
            secondOf[i] = second;
            counts[i] = 0;
        }
        counts[i]++;
    }

    /** The rate over the last {@value #SECONDS} whole seconds (fewer right after the start). */
    synchronized double perSecond(long nowNanos) {
        long second = secondAt(nowNanos);
        if (second == 0) {
            // first second: the partial count over the time so far
            double elapsed = Math.max(0.001, (nowNanos - originNanos) / 1e9);
            return secondOf[0] == 0 ? counts[0] / elapsed : 0;
        }
        long from = Math.max(0, second - SECONDS);
        long sum = 0;
        for (int i = 0; i < counts.length; i++) {
            if (secondOf[i] >= from && secondOf[i] < second) {
                sum += counts[i];
            }
        }
        return (double) sum / (second - from);
    }

    private long secondAt(long nowNanos) {
        return Math.max(0, (nowNanos - originNanos) / 1_000_000_000L);
    }
}
