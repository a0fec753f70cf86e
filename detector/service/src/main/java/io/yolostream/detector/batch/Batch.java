package io.yolostream.detector.batch;

import java.util.List;
import java.util.Objects;

/**
 * Frames that share one inference call, in arrival order.
 *
 * @param items           the items, oldest first
 * @param oldestArrivalMs arrival time of the first item, on the caller's clock
 */
public record Batch<T>(List<T> items, long oldestArrivalMs) {
    public Batch {
        items = List.copyOf(Objects.requireNonNull(items, "items"));
        if (items.isEmpty()) {
            throw new IllegalArgumentException("batch: expected at least one item, found none");
        }
    }

    public int size() {
        return items.size();
    }

    /** How long the oldest item has waited; what the batch-wait metric and queue timing report. */
    public long waitedMs(long nowMs) {
        return Math.max(0, nowMs - oldestArrivalMs);
    }
}
