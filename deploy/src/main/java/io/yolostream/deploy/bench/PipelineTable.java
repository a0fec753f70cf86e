package io.yolostream.deploy.bench;

import java.util.List;
import java.util.Locale;

/** The bench-pipeline table: one row per (model, resolution policy), then a summary line. */
public final class PipelineTable {
    private PipelineTable() {
    }

    public static String format(List<PipelineRun.Result> results) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-16s %-10s %6s %8s %8s %8s %8s %8s %6s %8s %10s  %s%n", "model",
                "resolution", "frames", "frames/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "batch", "outside",
                "infer/wall", "batches per input size"));
        double worstOutside = 0;
        PipelineRun.Result fastest = null;
        int problems = 0;
        for (PipelineRun.Result r : results) {
            sb.append(String.format(Locale.ROOT, "%-16s %-10s %6d %8.2f %8.0f %8.0f %8.0f %8.0f %6.1f %7.1f%% %9.0f%%  %s%n",
                    r.model(), r.resolution(), r.frames(), r.framesPerSecond(), r.latency().p50(), r.latency().p90(),
                    r.latency().p99(), r.latency().max(), r.meanBatch(), 100 * r.outsideInferenceShare(),
                    100 * r.inferenceBusyShare(), r.sizes()));
            worstOutside = Math.max(worstOutside, r.outsideInferenceShare());
            if (fastest == null || r.framesPerSecond() > fastest.framesPerSecond()) {
                fastest = r;
            }
            problems += r.skipped() + r.errors() + r.duplicates() + (r.frames() - r.ok() - r.skipped() - r.errors());
        }
        sb.append(String.format(Locale.ROOT, "%nDetector stage time per frame (ms; JPEG decode and preprocess run on the worker"
                + " pool while the previous batch infers):%n%-16s %-10s %8s %8s %8s %8s %8s%n", "model", "resolution",
                "jpeg", "prep", "infer", "decode", "kafka tx"));
        for (PipelineRun.Result r : results) {
            double n = Math.max(1, r.frames());
            sb.append(String.format(Locale.ROOT, "%-16s %-10s %8.1f %8.1f %8.1f %8.1f %8.1f%n", r.model(),
                    r.resolution(), r.stageMillis().get("jpeg.decode") / n, r.stageMillis().get("preprocess") / n,
                    r.stageMillis().get("inference") / n, r.stageMillis().get("decode") / n,
                    r.stageMillis().get("transaction") / n));
        }
        if (fastest != null) {
            sb.append(String.format(Locale.ROOT, "summary: %d runs, every frame exactly one record: %s; fastest %s %s"
                            + " at %.2f frames/s; outside inference at most %.1f%% of detector stage time (goal < 15%%)%n",
                    results.size(), problems == 0 ? "yes" : "NO (" + problems + " frames skipped/failed/duplicated)",
                    fastest.model(), fastest.resolution(), fastest.framesPerSecond(), 100 * worstOutside));
        }
        return sb.toString();
    }
}
