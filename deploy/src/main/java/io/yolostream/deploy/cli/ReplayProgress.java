package io.yolostream.deploy.cli;

import io.yolostream.ingest.source.ReplaySource;

import java.io.PrintStream;
import java.util.Locale;

/** The replay progress line (frames, fps, ETA) on stderr when it is a terminal. */
final class ReplayProgress implements AutoCloseable {
    private final PrintStream out;
    private final boolean interactive;
    private String last = "";

    ReplayProgress(PrintStream out) {
        this(out, System.console() != null);
    }

    ReplayProgress(PrintStream out, boolean interactive) {
        this.out = out;
        this.interactive = interactive;
    }

    static String line(ReplaySource.Progress p) {
        String total = p.totalEstimate() > 0 ? "/" + p.totalEstimate() : "";
        String pct = p.totalEstimate() > 0
                ? String.format(Locale.ROOT, " %3.0f%%", Math.min(100.0, 100.0 * p.frames() / p.totalEstimate())) : "";
        String eta = p.eta() != null && !p.done() ? " ETA " + p.eta().toSeconds() + "s" : "";
        return String.format(Locale.ROOT, "replay run %d: %d%s frames%s, %.1f frames/s%s%s", p.run(), p.frames(),
                total, pct, p.fps(), eta, p.done() ? " done" : "");
    }

    synchronized void update(ReplaySource.Progress p) {
        last = line(p);
        if (interactive) {
            out.print("\r" + last + "   ");
            out.flush();
        }
    }

    @Override
    public synchronized void close() {
        if (interactive && !last.isEmpty()) {
            out.println();
            out.flush();
        }
    }
}
