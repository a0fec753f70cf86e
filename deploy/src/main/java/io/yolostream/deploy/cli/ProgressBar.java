package io.yolostream.deploy.cli;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar on stderr, redrawn at most 10 times a second when stderr is a terminal; silent otherwise
 * (logs and pipes get the final summary line only).
 */
final class ProgressBar implements AutoCloseable {
    private final PrintStream out;
    private final String label;
    private final long total;
    private final String unit;
    private final double unitScale;
    private final boolean interactive;
    private final long start = System.nanoTime();
    private long lastDraw;
    private long current;

    ProgressBar(PrintStream out, String label, long total, String unit, double unitScale) {
        this(out, label, total, unit, unitScale, System.console() != null);
    }

    ProgressBar(PrintStream out, String label, long total, String unit, double unitScale, boolean interactive) {
        this.out = out;
        this.label = label;
        this.total = Math.max(1, total);
        this.unit = unit;
        this.unitScale = unitScale;
        this.interactive = interactive;
    }

    synchronized void update(long value) {
        current = value;
        long now = System.nanoTime();
        if (interactive && (now - lastDraw > 100_000_000L || value >= total)) {
            lastDraw = now;
            out.print("\r" + line());
            out.flush();
        }
    }

    String line() {
        double f = Math.min(1.0, (double) current / total);
        int filled = (int) Math.round(f * 30);
        double secs = (System.nanoTime() - start) / 1e9;
        double rate = secs > 0 ? current / secs : 0;
        String eta = rate > 0 && current < total ? String.format(Locale.ROOT, " ETA %.0fs", (total - current) / rate) : "";
        return String.format(Locale.ROOT, "%s [%s%s] %3.0f%% %.1f/%.1f %s%s", label, "#".repeat(filled),
                ".".repeat(30 - filled), f * 100, current / unitScale, total / unitScale, unit, eta);
    }

    @Override
    public synchronized void close() {
        if (interactive) {
            out.print("\r" + line() + "\n");
            out.flush();
        }
    }
}
