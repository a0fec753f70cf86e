package io.yolostream.detector.batch;

/**
 * What a {@link ResolutionPolicy} sees of the moment a batch is about to run.
 *
 * @param batchSize   frames in this batch
 * @param nowMs       the caller's clock
 * @param oldestAgeMs age of the batch's oldest frame: now - capture time for live frames, now - arrival for replay
 *                    frames (their capture times are historic); negative ages from clock skew count as 0
 * @param lag         frames still waiting behind this batch (batcher + consumer lag); negative counts as 0
 * @param arrivalRate frames/s arriving, e.g. from {@link ArrivalRate}
 */
public record BatchContext(int batchSize, long nowMs, long oldestAgeMs, long lag, double arrivalRate) {
    public BatchContext {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch context: expected batch size >= 1, found " + batchSize);
        }
        if (!(arrivalRate >= 0) || Double.isInfinite(arrivalRate)) {
            throw new IllegalArgumentException("batch context: expected a finite arrival rate >= 0, found " + arrivalRate);
        }
        oldestAgeMs = Math.max(0, oldestAgeMs);
        lag = Math.max(0, lag);
    }
}
