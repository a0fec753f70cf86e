package io.yolostream.ingest.source;

import java.time.Duration;
import java.util.random.RandomGenerator;

/** The waits of a {@link ReconnectPolicy}: exponential with full jitter, so cameras that failed together spread out. */
final class Backoff {
    private final ReconnectPolicy policy;
    private final RandomGenerator random;
    private int attempt;

    Backoff(ReconnectPolicy policy, RandomGenerator random) {
        this.policy = policy;
        this.random = random;
    }

    /** The wait before the next retry; each call doubles the ceiling up to the policy's maximum. */
    Duration next() {
        long ceiling = ceilingMillis(attempt);
        if (ceiling < policy.max().toMillis()) {
            attempt++;
        }
        return Duration.ofMillis(random.nextLong(ceiling + 1));
    }

    /** The upper bound of the wait after {@code attempt} earlier retries. */
    long ceilingMillis(int attempt) {
        long initial = policy.initial().toMillis();
        long max = policy.max().toMillis();
        return attempt >= 62 || initial > (max >> Math.min(attempt, 62)) ? max : Math.min(max, initial << attempt);
    }

    /** After a healthy connection: the next failure waits little again. */
    void reset() {
        attempt = 0;
    }
}
