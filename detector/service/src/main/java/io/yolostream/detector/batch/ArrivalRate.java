package io.yolostream.detector.batch;

import java.util.ArrayDeque;

/**
 * Frames per second over a sliding window. Counting frames as they are polled is enough for the resolution policy:
 * while the detector keeps up that is the arrival rate, and when it falls behind the backlog shows up as lag.
 *
 * <p>Until a full window has passed the rate is over the time seen so far (at least a tenth of the window), so the
 * first seconds after start are not under-estimated. Thread-safe.
 */
public final class ArrivalRate {
    private record Sample(long atMs, int frames) {
    }

    private final long windowMs;
    private final ArrayDeque<Sample> samples = new ArrayDeque<>();
    private long total;
    private long firstMs = Long.MIN_VALUE;

    public ArrivalRate(long windowMs) {
        if (windowMs <= 0) {
            throw new IllegalArgumentException("arrival rate window: expected > 0 ms, found " + windowMs);
        }
        this.windowMs = windowMs;
    }

    public synchronized void record(long nowMs, int frames) {
        if (frames < 0) {
            throw new IllegalArgumentException("arrival rate: expected frames >= 0, found " + frames);
        }
        if (firstMs == Long.MIN_VALUE) {
            firstMs = nowMs;
        }
        if (frames > 0) {
            samples.addLast(new Sample(nowMs, frames));
            total += frames;
        }
        evict(nowMs);
    }

    public synchronized double perSecond(long nowMs) {
        evict(nowMs);
        if (firstMs == Long.MIN_VALUE) {
            return 0;
        }
        long span = Math.max(Math.min(windowMs, nowMs - firstMs), Math.max(1, windowMs / 10));
        return total * 1000.0 / span;
    }

    private void evict(long nowMs) {
        while (!samples.isEmpty() && samples.peekFirst().atMs() <= nowMs - windowMs) {
            total -= samples.pollFirst().frames();
        }
    }
}
