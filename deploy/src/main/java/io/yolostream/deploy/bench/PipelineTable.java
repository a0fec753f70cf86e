package io.yolostream.deploy.bench;

import java.util.List;
import java.util.Locale;

/** The bench-pipeline table: one row per (model, resolution policy), then a summary line. */
public final class PipelineTable {
    private PipelineTable() {
    }

    /** Cameras at {@code cameraFps} each that one core carries at {@code framesPerSecond} on {@code cores} cores. */
    static double camerasPerCore(double framesPerSecond, double cameraFps, int cores) {
        return cameraFps > 0 && cores > 0 ? framesPerSecond / cameraFps / cores : Double.NaN;
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }

    /**
     * @param cameraFps  frames/s per camera that "cameras per core" is given at
     * @param cores      cores of the machine
     */
    public static String format(List<PipelineRun.Result> results, double cameraFps, int cores) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT,
                "%-16s %-10s %6s %8s %7s %8s %8s %8s %8s %6s %5s %8s %10s %8s %6s %6s %9s %9s  %s%n",
                "model", "resolution", "frames", "frames/s", "run/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "batch", "size",
                "outside", "infer/wall", "core/s", "ratio", "cpu ms", "cpu ratio", "cams/core", "batches per input size"));
        double worstOutside = 0;
        double worstRatio = Double.NaN;
        double worstCpuRatio = Double.NaN;
        PipelineRun.Result fastest = null;
        int problems = 0;
        for (PipelineRun.Result r : results) {
            sb.append(String.format(Locale.ROOT,
                    "%-16s %-10s %6d %8.2f %7.2f %8.0f %8.0f %8.0f %8.0f %6.1f %5.0f %7.1f%% %9.0f%% %8s %6s %6s %9s %9.1f  %s%n",
                    r.model(), r.resolution(), r.frames(), r.framesPerSecond(), r.runFramesPerSecond(), r.latency().p50(), r.latency().p90(),
                    r.latency().p99(), r.latency().max(), r.meanBatch(), r.meanInputSize(),
                    100 * r.outsideInferenceShare(), 100 * r.inferenceBusyShare(),
                    r.coreFramesPerSecond() > 0 ? String.format(Locale.ROOT, "%.2f", r.coreFramesPerSecond()) : "-",
                    Double.isNaN(r.coreRatio()) ? "-" : String.format(Locale.ROOT, "%.2f", r.coreRatio()),
                    Double.isNaN(r.cpuMsPerFrame()) ? "-" : String.format(Locale.ROOT, "%.1f", r.cpuMsPerFrame()),
                    Double.isNaN(r.cpuRatio()) ? "-" : String.format(Locale.ROOT, "%.2f", r.cpuRatio()),
                    camerasPerCore(r.framesPerSecond(), cameraFps, cores), r.sizes()));
            worstOutside = Math.max(worstOutside, r.outsideInferenceShare());
            if (!Double.isNaN(r.coreRatio()) && !(r.coreRatio() >= worstRatio)) {
                worstRatio = r.coreRatio();
            }
            if (!Double.isNaN(r.cpuRatio()) && !(r.cpuRatio() >= worstCpuRatio)) {
                worstCpuRatio = r.cpuRatio();
            }
            if (fastest == null || r.framesPerSecond() > fastest.framesPerSecond()) {
                fastest = r;
            }
            problems += r.skipped() + r.errors() + r.duplicates() + (r.frames() - r.ok() - r.skipped() - r.errors());
        }
        sb.append(String.format(Locale.ROOT, "%nDetector stage time per frame (wall ms; JPEG decode and preprocess run on the"
                + " worker pool, with prepare-overlap while the previous batch infers, their waits for a core"
                + " included: where the cores went says what they cost):%n%-16s %-10s %8s %8s %8s %8s %8s%n", "model", "resolution",
                "jpeg", "prep", "infer", "decode", "kafka tx"));
        for (PipelineRun.Result r : results) {
            double n = Math.max(1, r.frames());
            sb.append(String.format(Locale.ROOT, "%-16s %-10s %8.1f %8.1f %8.1f %8.1f %8.1f%n", r.model(),
                    r.resolution(), r.stageMillis().get("jpeg.decode") / n, r.stageMillis().get("preprocess") / n,
                    r.stageMillis().get("inference") / n, r.stageMillis().get("decode") / n,
                    r.stageMillis().get("transaction") / n));
        }
        if (results.stream().anyMatch(r -> !r.coreShares().isEmpty())) {
            sb.append(String.format(Locale.ROOT, "%nWhere the cores went in the steady window (percent of all cores'"
                    + " time, per thread group; from /proc):%n%-16s %-10s", "model", "resolution"));
            ThreadCpu.GROUPS.forEach(g -> sb.append(String.format(Locale.ROOT, " %14s", g)));
            sb.append(String.format(Locale.ROOT, "%n"));
            for (PipelineRun.Result r : results) {
                if (r.coreShares().isEmpty()) {
                    continue;
                }
                sb.append(String.format(Locale.ROOT, "%-16s %-10s", r.model(), r.resolution()));
                ThreadCpu.GROUPS.forEach(g -> sb.append(String.format(Locale.ROOT, " %13.1f%%",
                        100 * r.coreShares().getOrDefault(g, 0.0))));
                sb.append(String.format(Locale.ROOT, "%n"));
            }
        }
        if (fastest != null) {
            sb.append(String.format(Locale.ROOT, "summary: %d runs, every frame exactly one record: %s; fastest %s %s"
                            + " at %.2f frames/s; outside inference at most %.1f%% of detector stage wall time%n",
                    results.size(), problems == 0 ? "yes" : "NO (" + problems + " frames skipped/failed/duplicated)",
                    fastest.model(), fastest.resolution(), fastest.framesPerSecond(), 100 * worstOutside));
            if (!Double.isNaN(worstRatio)) {
                sb.append(String.format(Locale.ROOT, "ratio %.2f (lowest over the fixed-size runs: pipeline frames/s"
                        + " / model core frames/s at the same size and batch, measured in this run; goal >= 0.90)%n",
                        worstRatio));
            }
            if (!Double.isNaN(worstCpuRatio)) {
                sb.append(String.format(Locale.ROOT, "cpu ratio %.2f (lowest: model core CPU ms per frame / pipeline"
                        + " CPU ms per frame, the whole process; the ratio to expect on cores of its own)%n",
                        worstCpuRatio));
            }
            sb.append(String.format(Locale.ROOT, "cams/core: cameras at %s frames/s each that one core carries at"
                    + " the row's frames/s (%d cores)%n", trim(cameraFps), cores));
        }
        return sb.toString();
    }
}
