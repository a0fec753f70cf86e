package io.yolostream.deploy.cli;

import java.util.logging.LogManager;

/**
 * java.util.logging's manager, except that it keeps its handlers while the JVM shuts down. The JDK's own manager
 * resets itself (closing every handler) in a shutdown hook of its own, which runs alongside ours: everything a
 * Ctrl-C'd {@code run} logs while it stops (what it stops, that the sinks committed their state) would be lost.
 * Chosen with {@code -Djava.util.logging.manager} by {@link YolostreamCommand#main} before anything logs.
 */
public final class ShutdownLogManager extends LogManager {
    @Override
    public void reset() {
        if (!shuttingDown()) {
            super.reset();
        }
    }

    private static boolean shuttingDown() {
        Thread probe = new Thread(() -> { });
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException e) {
            return true; // "Shutdown in progress"
        }
    }
}
