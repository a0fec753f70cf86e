package io.yolostream.ingest.source;

import java.time.Duration;

/**
 * How a camera retries after a failed connect or a lost stream: exponential backoff with full jitter (each wait is
 * uniform in [0, min(max, initial * 2^attempt)]), forever; a connection that stayed healthy for
 * {@code healthyAfter} starts the next series of retries from {@code initial} again.
 */
public record ReconnectPolicy(Duration initial, Duration max, Duration healthyAfter) {
    public static ReconnectPolicy defaults() {
        return new ReconnectPolicy(Duration.ofMillis(500), Duration.ofSeconds(30), Duration.ofSeconds(30));
    }

    public ReconnectPolicy {
        if (initial.toMillis() < 1 || max.compareTo(initial) < 0 || healthyAfter.isNegative()) {
            throw new IllegalArgumentException("reconnect policy: expected 1 ms <= initial <= max and healthy-after"
                    + " >= 0, found initial " + initial + ", max " + max + ", healthy-after " + healthyAfter);
        }
    }
}
