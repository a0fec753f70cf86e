package io.yolostream.detector.batch;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Forms batches across cameras and partitions, as DeepStream's nvstreammux: a batch goes out when {@code maxBatch}
 * items are waiting or the oldest has waited {@code maxWaitMs}, whichever comes first. One FIFO queue for all cameras
 * keeps the global arrival order, and so each camera's order too, which the one-record-per-frame output relies on.
 *
 * <p>Not thread-safe: the consumer loop owns it. Time comes in as {@code nowMs} so tests drive a fake clock.
 */
public final class Batcher<T> {
    private record Pending<T>(T item, long arrivalMs) {
    }

    private final int maxBatch;
    private final long maxWaitMs;
    private final ArrayDeque<Pending<T>> queue = new ArrayDeque<>();

    public Batcher(int maxBatch, long maxWaitMs) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("batcher max-batch: expected >= 1, found " + maxBatch);
        }
        if (maxWaitMs < 0) {
            throw new IllegalArgumentException("batcher max-wait: expected >= 0 ms, found " + maxWaitMs);
        }
        this.maxBatch = maxBatch;
        this.maxWaitMs = maxWaitMs;
    }

    public void add(T item, long arrivalMs) {
        if (item == null) {
            throw new IllegalArgumentException("batcher add: expected an item, found null");
        }
        queue.addLast(new Pending<>(item, arrivalMs));
    }

    /** A batch if one is due at {@code nowMs}, else empty. Takes at most {@code maxBatch} items, oldest first. */
    public Optional<Batch<T>> nextBatch(long nowMs) {
        return timeUntilDue(nowMs) == 0 && !queue.isEmpty() ? Optional.of(take()) : Optional.empty();
    }

    /** Up to {@code maxBatch} items whether due or not: for shutdown, so nothing polled is left unprocessed. */
    public Optional<Batch<T>> flush(long nowMs) {
        return queue.isEmpty() ? Optional.empty() : Optional.of(take());
    }

    /**
     * Milliseconds until {@link #nextBatch} will yield: 0 when one is due now. When empty, {@code maxWaitMs}: an item
     * arriving now would be due then, so it is the right bound for the consumer's poll.
     */
    public long timeUntilDue(long nowMs) {
        if (queue.isEmpty()) {
            return maxWaitMs;
        }
        if (queue.size() >= maxBatch) {
            return 0;
        }
        long dueAt = queue.peekFirst().arrivalMs() + maxWaitMs;
        return Math.max(0, dueAt - nowMs);
    }

    /** Drops waiting items (those of revoked partitions, whose offsets another instance now owns). */
    public int removeIf(Predicate<? super T> drop) {
        int removed = 0;
        for (Iterator<Pending<T>> it = queue.iterator(); it.hasNext(); ) {
            if (drop.test(it.next().item())) {
                it.remove();
                removed++;
            }
        }
        return removed;
    }

    public int size() {
        return queue.size();
    }

    public boolean isEmpty() {
        return queue.isEmpty();
    }

    public int maxBatch() {
        return maxBatch;
    }

    public long maxWaitMs() {
        return maxWaitMs;
    }

    private Batch<T> take() {
        long oldest = queue.peekFirst().arrivalMs();
        int n = Math.min(maxBatch, queue.size());
        List<T> items = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            items.add(queue.pollFirst().item());
        }
        return new Batch<>(items, oldest);
    }
}
