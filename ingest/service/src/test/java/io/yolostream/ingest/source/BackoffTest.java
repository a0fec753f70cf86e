package io.yolostream.ingest.source;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackoffTest {
    private final ReconnectPolicy policy = ReconnectPolicy.defaults();

    @Test
    void ceilingDoublesFromHalfASecondToThirtySeconds() {
        Backoff backoff = new Backoff(policy, new Random(1));
        long[] expected = {500, 1000, 2000, 4000, 8000, 16000, 30000, 30000};
        for (int attempt = 0; attempt < expected.length; attempt++) {
            assertEquals(expected[attempt], backoff.ceilingMillis(attempt), "attempt " + attempt);
        }
        assertEquals(30000, backoff.ceilingMillis(200));
    }

    @Test
    void waitsAreFullyJitteredBelowTheCeiling() {
        Backoff backoff = new Backoff(policy, new Random(2));
        long[] ceilings = {500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000};
        for (long ceiling : ceilings) {
            long wait = backoff.next().toMillis();
            assertTrue(wait >= 0 && wait <= ceiling, "wait " + wait + " ms above " + ceiling);
        }
        // spread: many cameras failing at once do not retry together
        Backoff another = new Backoff(policy, new Random(3));
        long min = Long.MAX_VALUE;
        long max = 0;
        for (int i = 0; i < 8; i++) {
            another.next();
        }
        for (int i = 0; i < 200; i++) {
            long wait = another.next().toMillis();
            min = Math.min(min, wait);
            max = Math.max(max, wait);
        }
        assertTrue(min < 5000 && max > 25000, "waits between " + min + " and " + max + " ms");
    }

    @Test
    void resetStartsOverAfterAHealthyConnection() {
        Backoff backoff = new Backoff(policy, new Random(4));
        for (int i = 0; i < 10; i++) {
            backoff.next();
        }
        backoff.reset();
        assertTrue(backoff.next().toMillis() <= 500);
    }

    @Test
    void policyRejectsNonsense() {
        assertThrows(IllegalArgumentException.class,
                () -> new ReconnectPolicy(Duration.ZERO, Duration.ofSeconds(1), Duration.ZERO));
        assertThrows(IllegalArgumentException.class,
                () -> new ReconnectPolicy(Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ZERO));
    }
}
