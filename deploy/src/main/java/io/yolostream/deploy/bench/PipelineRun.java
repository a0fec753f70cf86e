package io.yolostream.deploy.bench;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.yolostream.detector.avro.DetectionStatus;
import io.yolostream.detector.service.DetectConfig;
import io.yolostream.detector.service.DetectService;
import io.yolostream.ingest.source.EncodedFrame;
import io.yolostream.kafka.embedded.EmbeddedKafka;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One measured run of the bench: fresh topics on the broker, a {@link DetectService} in this JVM for one model and
 * resolution policy, the virtual cameras publishing, a {@code read_committed} watcher on the detections, until every
 * frame has its record (or nothing moves for the stall timeout).
 */
public final class PipelineRun {
    /** What to run; {@code detectFlags} are more detect settings (keys as {@code yolostream detect --help}). */
    public record Settings(Path model, String resolution, int cameras, int framesPerCamera, double fps,
                           int partitions, Map<String, String> detectFlags, int stallTimeoutSeconds) {
    }

    /**
     * A run's numbers.
     *
     * @param wallSeconds        first frame published → last detection visible
     * @param stageMillis        detector time per stage (jpeg, preprocess, inference, decode, transaction): sums over
     *                           batches, from the service's timers
     * @param batchesBySize      batches run per input size
     * @param meanInputSize      mean input size over the frames that ran
     * @param coreFramesPerSecond the model core's frames/s at the same size and batch ({@link CoreBench}), 0 = none
     * @param cpuMsPerFrame      CPU time of the whole process (broker, cameras, detector) per frame over the run
     * @param coreCpuMsPerFrame  the model core's CPU time per frame at the same size and batch; NaN = none
     * @param steady             the steady part of the run ({@link SteadyWindow}); null = too short to have one
     * @param coreShares         share of all cores' time per thread group over the steady window
     *                           ({@link ThreadCpu#GROUPS}); empty where /proc does not say
     */
    public record Result(String model, String modelId, String resolution, int frames, int ok, int skipped,
                         int errors, int duplicates, double wallSeconds, LatencyStats latency, double meanBatch,
                         Map<String, Double> stageMillis, Map<Integer, Long> batchesBySize, double meanInputSize,
                         double startSeconds, double coreFramesPerSecond, double cpuMsPerFrame,
                         double coreCpuMsPerFrame, SteadyWindow steady, Map<String, Double> coreShares) {

        /** This result with the model core's frames/s and CPU ms per frame at the same size and batch. */
        public Result withCore(double framesPerSecond, double coreCpuMs) {
            return new Result(model, modelId, resolution, frames, ok, skipped, errors, duplicates, wallSeconds,
                    latency, meanBatch, stageMillis, batchesBySize, meanInputSize, startSeconds, framesPerSecond,
                    cpuMsPerFrame, coreCpuMs, steady, coreShares);
        }

        /**
         * The model core's CPU time per frame over the pipeline's: what the throughput ratio would be on cores of
         * our own (both use every core when loaded), and much steadier than {@link #coreRatio()} while neighbours
         * load the machine. NaN when not measured.
         */
        public double cpuRatio() {
            return cpuMsPerFrame > 0 && coreCpuMsPerFrame > 0 ? coreCpuMsPerFrame / cpuMsPerFrame : Double.NaN;
        }

        /** End-to-end frames/s over the model core's at the same size and batch; NaN when not measured. */
        public double coreRatio() {
            return coreFramesPerSecond > 0 ? framesPerSecond() / coreFramesPerSecond : Double.NaN;
        }

        Result withCpu(double msPerFrame, Map<String, Double> shares) {
            return new Result(model, modelId, resolution, frames, ok, skipped, errors, duplicates, wallSeconds,
                    latency, meanBatch, stageMillis, batchesBySize, meanInputSize, startSeconds, coreFramesPerSecond,
                    msPerFrame, coreCpuMsPerFrame, steady, shares);
        }

        /** Frames/s of the steady part of the run (the whole run's when it has none). */
        public double framesPerSecond() {
            return steady != null && steady.seconds() > 0 ? steady.framesPerSecond() : runFramesPerSecond();
        }

        /** Frames/s from the first frame published to the last detection visible, start-up and tail included. */
        public double runFramesPerSecond() {
            return wallSeconds > 0 ? frames / wallSeconds : 0;
        }

        /** JPEG decode + preprocess + region decode + Kafka transaction, as a share of all detector stage time. */
        public double outsideInferenceShare() {
            double all = stageMillis.values().stream().mapToDouble(Double::doubleValue).sum();
            return all > 0 ? (all - stageMillis.getOrDefault("inference", 0.0)) / all : Double.NaN;
        }

        /** Inference time as a share of the run's wall time (close to 1 = the detector never waits on anything). */
        public double inferenceBusyShare() {
            return wallSeconds > 0 ? stageMillis.getOrDefault("inference", 0.0) / 1000 / wallSeconds : Double.NaN;
        }

        /** "320:12 416:30" batches per input size. */
        public String sizes() {
            StringBuilder sb = new StringBuilder();
            batchesBySize.forEach((s, n) -> sb.append(sb.isEmpty() ? "" : " ").append(s).append(':').append(n));
            return sb.toString();
        }
    }

    private static final List<String> STAGES = List.of("jpeg.decode", "preprocess", "inference", "decode",
            "transaction");

    private final EmbeddedKafka broker;
    private final List<EncodedFrame> clip;
    private final int runNumber;

    public PipelineRun(EmbeddedKafka broker, List<EncodedFrame> clip, int runNumber) {
        this.broker = broker;
        this.clip = clip;
        this.runNumber = runNumber;
    }

    public Result run(Settings s, Consumer<String> progress) throws InterruptedException {
        String base = "bench-" + runNumber;
        String frames = base + ".frames";
        broker.createTopic(frames, s.partitions(), Map.of("max.message.bytes", String.valueOf(16 << 20)));
        Map<String, String> flags = new LinkedHashMap<>(s.detectFlags());
        flags.put("bootstrap-servers", broker.bootstrapServers());
        flags.put("frames-topic", frames);
        flags.put("detections-topic", base + ".detections");
        flags.put("dlq-topic", base + ".dlq");
        flags.put("group-id", base + ".detector");
        flags.put("instance-id", base);
        flags.put("model", s.model().toString());
        flags.put("resolution", s.resolution());
        // every frame is measured: none may be skipped as stale, however far behind the detector falls
        flags.put("max-age-ms", "0");
        flags.putIfAbsent("http-port", "0");
        flags.putIfAbsent("http-host", "127.0.0.1");
        DetectConfig config = DetectConfig.resolve(new Properties(), Map.of(), flags);
        List<String> cameras = new ArrayList<>();
        for (int c = 0; c < s.cameras(); c++) {
            cameras.add(String.format(Locale.ROOT, "cam-%02d", c + 1));
        }
        long t0 = System.nanoTime();
        try (DetectService detector = new DetectService(config);
             DetectionWatcher watcher = new DetectionWatcher(broker.bootstrapServers(), base + ".detections");
             VirtualCameras cams = new VirtualCameras(broker.bootstrapServers(), frames, clip, cameras,
                     s.framesPerCamera(), s.fps())) {
            double startSeconds = (System.nanoTime() - t0) / 1e9;
            watcher.start();
            long[] cpu = {ProcessCpu.nanos(), -1, -1}; // at the start, when the window opens, when it closes
            ThreadCpu.Sample[] threads = new ThreadCpu.Sample[2]; // when the window opens, when it closes
            cams.start();
            await(s, detector, watcher, cams, progress, cpu, threads);
            long cpuEnd = ProcessCpu.nanos();
            Map<String, Double> stages = stageMillis(detector.registry());
            Map<Integer, Long> sizes = batchesBySize(detector.registry());
            Result r = result(s, detector.modelId(), watcher, cams, stages, sizes, startSeconds);
            int total = cams.total();
            int windowFrames = SteadyWindow.closingIndex(total) - SteadyWindow.openingIndex(total);
            // CPU over the steady window too (sampled as its edge records arrive), the whole run's otherwise
            double cpuMs = cpu[1] >= 0 && cpu[2] > cpu[1] && windowFrames > 0
                    ? ProcessCpu.msPerFrame(cpu[1], cpu[2], windowFrames)
                    : ProcessCpu.msPerFrame(cpu[0], cpuEnd, total);
            Map<String, Double> shares = threads[0] != null && threads[1] != null
                    ? ThreadCpu.shares(threads[0], threads[1], Runtime.getRuntime().availableProcessors()) : Map.of();
            return r.withCpu(cpuMs, shares);
        }
    }

    private static void await(Settings s, DetectService detector, DetectionWatcher watcher, VirtualCameras cams,
                              Consumer<String> progress, long[] cpu, ThreadCpu.Sample[] threads)
            throws InterruptedException {
        int total = cams.total();
        int opening = SteadyWindow.openingIndex(total);
        int closing = SteadyWindow.closingIndex(total);
        long lastChange = System.nanoTime();
        long lastReport = System.nanoTime();
        int lastCount = -1;
        while (watcher.count() < total) {
            Thread.sleep(20);
            int seenNow = watcher.count();
            if (cpu[1] < 0 && seenNow > opening) {
                threads[0] = ThreadCpu.sample(); // one read of /proc serves both
                cpu[1] = ProcessCpu.nanos(threads[0]);
            }
            if (cpu[2] < 0 && seenNow > closing) {
                threads[1] = ThreadCpu.sample();
                cpu[2] = ProcessCpu.nanos(threads[1]);
            }
            if (cams.error() != null) {
                throw new IllegalStateException("publishing frames failed: " + cams.error(), cams.error());
            }
            if (watcher.error() != null) {
                throw new IllegalStateException("reading detections failed: " + watcher.error(), watcher.error());
            }
            if (!detector.isRunning()) {
                detector.awaitTermination(); // rethrows the loop's failure
                throw new IllegalStateException("the detector stopped before all frames had a record");
            }
            int count = watcher.count();
            long now = System.nanoTime();
            if (count != lastCount || cams.published() < total) {
                lastCount = count;
                lastChange = now;
            } else if (now - lastChange > TimeUnit.SECONDS.toNanos(s.stallTimeoutSeconds())) {
                throw new IllegalStateException("expected " + total + " detection records, found " + count
                        + " and no new one for " + s.stallTimeoutSeconds() + " s");
            }
            if (now - lastReport >= TimeUnit.SECONDS.toNanos(2)) {
                lastReport = now;
                progress.accept(String.format(Locale.ROOT, "published %d/%d, detected %d/%d, last resolution %s",
                        cams.published(), total, count, total, lastResolution(detector.registry())));
            }
        }
        if (cpu[2] < 0) {
            threads[1] = ThreadCpu.sample(); // the last records came in one jump
            cpu[2] = ProcessCpu.nanos(threads[1]);
        }
    }

    private static Result result(Settings s, String modelId, DetectionWatcher watcher, VirtualCameras cams,
                                 Map<String, Double> stages, Map<Integer, Long> sizes, double startSeconds) {
        List<DetectionWatcher.Seen> seen = watcher.seen();
        double[] lat = seen.stream().mapToDouble(DetectionWatcher.Seen::latencyMs).toArray();
        int ok = (int) seen.stream().filter(x -> x.status() == DetectionStatus.OK).count();
        int skipped = (int) seen.stream().filter(x -> x.status() == DetectionStatus.SKIPPED_STALE).count();
        int errors = (int) seen.stream().filter(x -> x.status() == DetectionStatus.ERROR).count();
        double meanBatch = seen.stream().mapToInt(DetectionWatcher.Seen::batchSize).filter(b -> b > 0).average()
                .orElse(0);
        double meanSize = seen.stream().filter(x -> x.status() == DetectionStatus.OK)
                .mapToInt(DetectionWatcher.Seen::inputSize).average().orElse(0);
        double wall = (watcher.lastVisibleMillis() - cams.firstPublishMillis()) / 1000.0;
        String model = s.model().getFileName().toString().replaceFirst("\\.onnx$", "");
        return new Result(model, modelId, s.resolution(), seen.size(), ok, skipped, errors, watcher.duplicates(),
                wall, LatencyStats.of(lat), meanBatch, stages, sizes, meanSize, startSeconds, 0, Double.NaN,
                Double.NaN, SteadyWindow.of(seen.stream().mapToLong(DetectionWatcher.Seen::visibleMillis).toArray()),
                Map.of());
    }

    private static Map<String, Double> stageMillis(MeterRegistry registry) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String stage : STAGES) {
            Timer t = registry.find("yolostream.detector." + stage).timer();
            out.put(stage, t == null ? 0 : t.totalTime(TimeUnit.MILLISECONDS));
        }
        return out;
    }

    private static Map<Integer, Long> batchesBySize(MeterRegistry registry) {
        Map<Integer, Long> out = new TreeMap<>();
        for (Counter c : registry.find("yolostream.detector.batches").counters()) {
            out.merge(Integer.parseInt(c.getId().getTag("resolution")), (long) c.count(), Long::sum);
        }
        return out;
    }

    private static String lastResolution(MeterRegistry registry) {
        var g = registry.find("yolostream.detector.resolution").gauge();
        return g == null || g.value() == 0 ? "-" : String.valueOf((int) g.value());
    }
}
