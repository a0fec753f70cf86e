package io.yolostream.detector.batch;

/**
 * Chooses the square input size of each batch. All frames of a batch share it, so one inference call serves them.
 * Called once per batch from the consumer loop; implementations may keep state (hysteresis) between calls.
 */
public interface ResolutionPolicy {
    /** Input side in pixels for the batch about to run. */
    int choose(BatchContext ctx);

    /** The spec this policy was made from ({@code fixed:416}, {@code adaptive}), for logs and metrics. */
    String describe();
}
