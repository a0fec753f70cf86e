package io.yolostream.deploy.cli;

import io.yolostream.detector.catalog.ModelFile;
import io.yolostream.detector.catalog.ModelStore;

import java.io.PrintStream;
import java.util.HashMap;
import java.util.Map;

/** Download progress of a model pull: one bar per file, a new one when a download restarts with another total. */
final class DownloadBars implements ModelStore.Progress, AutoCloseable {
    private record Bar(ProgressBar bar, long total) {
    }

    private final PrintStream out;
    private final Map<ModelFile, Bar> bars = new HashMap<>();

    DownloadBars(PrintStream out) {
        this.out = out;
    }

    @Override
    public synchronized void update(ModelFile file, long bytes, long total) {
        Bar bar = bars.get(file);
        if (bar == null || bar.total != total) {
            if (bar != null) {
                bar.bar.close();
            }
            bar = new Bar(new ProgressBar(out, file.name(), total, "MB", 1e6), total);
            bars.put(file, bar);
        }
        bar.bar.update(bytes);
    }

    @Override
    public synchronized void close() {
        bars.values().forEach(b -> b.bar.close());
        bars.clear();
    }
}
