package io.yolostream.sinks.annotate;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Cameras someone is looking at: the web page renews a camera's watch while it shows it, the annotator draws a
 * watched camera until {@code ttl} after the last renewal. Shared memory between the web server and the stream
 * threads of one sinks process (another instance does not see these watches: see the README).
 */
public final class Watchers {
    private final long ttlMs;
    private final LongSupplier clockMs;
    private final Map<String, Long> until = new ConcurrentHashMap<>();

    public Watchers(Duration ttl, LongSupplier clockMs) {
        this.ttlMs = ttl.toMillis();
        this.clockMs = clockMs;
    }

    public Watchers(Duration ttl) {
        this(ttl, System::currentTimeMillis);
    }

    /** Someone watches {@code camera} now: annotate it for the next ttl. */
    public void watch(String camera) {
        until.put(camera, clockMs.getAsLong() + ttlMs);
    }

    public boolean watched(String camera) {
        Long u = until.get(camera);
        if (u == null) {
            return false;
        }
        if (u < clockMs.getAsLong()) {
            until.remove(camera, u);
            return false;
        }
        return true;
    }
}
