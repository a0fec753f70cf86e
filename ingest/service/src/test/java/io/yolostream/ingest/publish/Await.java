package io.yolostream.ingest.publish;

import org.awaitility.Awaitility;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Awaitility with a failure that names what was awaited and the last state seen. */
final class Await {
    private Await() {
    }

    static void until(String what, Duration timeout, BooleanSupplier condition, Supplier<?> state) {
        Awaitility.await(what).atMost(timeout).pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> assertTrue(condition.getAsBoolean(), () -> what + "; last state: " + state.get()));
    }
}
