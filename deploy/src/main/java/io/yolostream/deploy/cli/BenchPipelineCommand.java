package io.yolostream.deploy.cli;

import io.yolostream.deploy.bench.ClipFrames;
import io.yolostream.deploy.bench.CoreBench;
import io.yolostream.deploy.bench.PipelineRun;
import io.yolostream.deploy.bench.PipelineTable;
import io.yolostream.detector.batch.ResolutionLadder;
import io.yolostream.ingest.source.EncodedFrame;
import io.yolostream.kafka.embedded.EmbeddedKafka;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "bench-pipeline", mixinStandardHelpOptions = true,
        description = {"End-to-end benchmark: frames of a recorded video go through a real (embedded, single-node "
                + "KRaft) Kafka broker and the real detect service in this JVM; prints frames/s and the latency from "
                + "capture to the detection record being committed and visible to a read_committed consumer "
                + "(p50/p90/p99/max), per model and resolution policy.",
                "The video is decoded once (ingest's replay, every frame) into memory. Virtual live cameras then "
                        + "publish its frames at --fps each (or at --rate max), stamped LIVE with capture time = the "
                        + "moment of publishing; the detector never skips them (max-age-ms 0), so every frame is "
                        + "measured. Each (model, policy) runs on fresh topics with a fresh detector (model load and "
                        + "warm-up are not timed).",
                "Columns: frames/s = the steady state: records between the first 10%% and 90%% of all (by the moment "
                        + "each became visible), leaving out the start (every camera's backlog at once, a JVM still "
                        + "compiling) and the tail of part-filled batches; run/s = first frame published to last record "
                        + "visible; size = mean input size of the frames run; outside = JPEG decode + preprocess + region "
                        + "decode + Kafka transaction as a share of the detector's stage wall time (with prepare-overlap the "
                        + "workers' waits for a core count; the last table, where the cores went, says what each part "
                        + "of the process cost); infer/wall "
                        + "= inference time / wall time (near 100%% = the detector only waits on the network); core/s = "
                        + "the model core alone at the same size and batch (as `bench`: decoded frames, letterbox + "
                        + "inference + region decoding), measured before and after each fixed:N run in this JVM; ratio "
                        + "= frames/s / core/s (goal >= 0.9); cpu ms = CPU time of the whole process (broker, cameras, detector; "
                        + "JIT compilation excepted) per frame over the steady state; cpu ratio = the core's CPU ms per frame / the pipeline's, the ratio to expect on "
                        + "cores of its own (steadier than ratio on a shared machine); cams/core = cameras at --fps each that one core carries "
                        + "at the row's frames/s."},
        footer = {"", "Examples:",
                "  yolostream bench-pipeline --video street-720p.mp4 --model yolov2-tiny-voc.onnx,yolov2-voc.onnx",
                "  yolostream bench-pipeline --video street-720p.mp4 --model voc.onnx --resolutions fixed:416,adaptive "
                        + "--cameras 8 --fps 2 --frames 320",
                "  yolostream bench-pipeline --video street-720p.mp4 --model tiny.onnx --rate max --frames 400",
                "  yolostream bench-pipeline --video street-1080p.mp4 --model tiny.onnx --resolutions fixed:320,fixed:416 "
                        + "--rate max --frames 800 --warmup-frames 1200 --fit-to-network"})
final class BenchPipelineCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--video", required = true, paramLabel = "FILE", description = "Recorded video (any FFmpeg input).")
    Path video;

    @Option(names = {"-m", "--model"}, required = true, split = ",", paramLabel = "MODEL",
            description = "Converted .onnx model(s), comma-separated.")
    List<Path> models;

    @Option(names = "--resolutions", split = ",", defaultValue = "fixed:320,fixed:416,fixed:608,adaptive",
            paramLabel = "POLICY", description = "Resolution policies to run (fixed:N or adaptive). Default: ${DEFAULT-VALUE}.")
    List<String> resolutions;

    @Option(names = "--frames", defaultValue = "200", paramLabel = "N",
            description = "Frames per run, all cameras together. Default: ${DEFAULT-VALUE}.")
    int frames;

    @Option(names = "--warmup-frames", defaultValue = "0", paramLabel = "N",
            description = "Frames through an unmeasured run first (first model and policy, max rate), so that the"
                    + " JIT has compiled the broker's and the clients' paths as in a service that has run a while;"
                    + " 0 = none. Default: ${DEFAULT-VALUE}.")
    int warmupFrames;

    @Option(names = "--cameras", defaultValue = "4", paramLabel = "N",
            description = "Virtual cameras. Default: ${DEFAULT-VALUE}.")
    int cameras;

    @Option(names = "--fps", defaultValue = "5", paramLabel = "FPS",
            description = "Frames per second per camera. Default: ${DEFAULT-VALUE}.")
    double fps;

    @Option(names = "--rate", paramLabel = "max",
            description = "max: publish every frame at once, as fast as Kafka takes them (throughput; latency then "
                    + "includes the backlog), instead of --fps.")
    String rate;

    @Option(names = "--max-batch", defaultValue = "8", paramLabel = "N", description = "Default: ${DEFAULT-VALUE}.")
    int maxBatch;

    @Option(names = "--max-wait-ms", defaultValue = "50", paramLabel = "MS", description = "Default: ${DEFAULT-VALUE}.")
    int maxWaitMs;

    @Option(names = "--latency-budget-ms", defaultValue = "1000", paramLabel = "MS",
            description = "Adaptive policy's latency budget. Default: ${DEFAULT-VALUE}.")
    int latencyBudgetMs;

    @Option(names = "--ladder", defaultValue = "320..608", paramLabel = "SIZES",
            description = "Sizes the adaptive policy chooses from. Default: ${DEFAULT-VALUE}.")
    String ladder;

    @Option(names = "--device", defaultValue = "auto", paramLabel = "DEVICE", description = "Default: ${DEFAULT-VALUE}.")
    String device;

    @Option(names = "--threads", defaultValue = "0", paramLabel = "N",
            description = "ONNX Runtime threads; 0 = one per core. Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(names = "--workers", defaultValue = "0", paramLabel = "N",
            description = "JPEG decode + preprocess threads; 0 = one per core. Default: ${DEFAULT-VALUE}.")
    int workers;

    @Option(names = "--preprocess", defaultValue = "darknet", paramLabel = "darknet|opencv",
            description = "Default: ${DEFAULT-VALUE}.")
    String preprocess;

    @Option(names = "--partitions", defaultValue = "0", paramLabel = "N",
            description = "Partitions of the frames topic; 0 = one per camera. Default: ${DEFAULT-VALUE}.")
    int partitions;

    @Option(names = "--clip-frames", defaultValue = "100", paramLabel = "N",
            description = "Distinct video frames kept in memory (cameras cycle through them). Default: ${DEFAULT-VALUE}.")
    int clipFrames;

    @Option(names = "--max-width", defaultValue = "1280", paramLabel = "PX",
            description = "Resize frames to fit this width (and --max-height), as ingest does (its default-max-width"
                    + " and default-max-height are 1280x720: a 1080p camera's frames reach the detector as 720p JPEGs);"
                    + " 0 = as recorded. Default: ${DEFAULT-VALUE}.")
    int maxWidth;

    @Option(names = "--max-height", defaultValue = "720", paramLabel = "PX",
            description = "See --max-width. Default: ${DEFAULT-VALUE}.")
    int maxHeight;

    @Option(names = "--fit-to-network",
            description = "Fit each run's frames to the largest input size its policy runs (fixed:N: N; adaptive: the"
                    + " --ladder's largest) instead of --max-width/--max-height, as ingest publishes them with its"
                    + " default-max-width and default-max-height set to that size: no pixel is decoded that the"
                    + " network does not use.")
    boolean fitToNetwork;

    @Option(names = "--quality", defaultValue = "85", paramLabel = "Q", description = "JPEG quality. Default: ${DEFAULT-VALUE}.")
    int quality;

    @Option(names = "--stall-timeout-s", defaultValue = "120", paramLabel = "S",
            description = "Fail a run when no detection arrives for this long. Default: ${DEFAULT-VALUE}.")
    int stallTimeoutS;

    @Option(names = "--core-iterations", defaultValue = "5", paramLabel = "N",
            description = "Timed runs of the model core alone (as `bench`: decoded frames, batch --max-batch) before and"
                    + " after each fixed:N run, for the ratio column; 0 = skip. Default: ${DEFAULT-VALUE}.")
    int coreIterations;

    @Option(names = "--reduced-decode", defaultValue = "true", paramLabel = "true|false", arity = "1",
            description = "Decode JPEGs at 1/2..1/8 scale when the input size allows (the detector's reduced-decode)."
                    + " Default: ${DEFAULT-VALUE}.")
    boolean reducedDecode;

    @Option(names = "--ort-spinning", defaultValue = "false", paramLabel = "true|false", arity = "1",
            description = "ONNX Runtime's idle threads busy-wait (the detector's ort-spinning). Default: ${DEFAULT-VALUE}.")
    boolean ortSpinning;

    @Option(names = "--prepare-overlap", defaultValue = "auto", paramLabel = "auto|on|off",
            description = "Prepare the next batch while one infers (the detector's prepare-overlap; auto = with"
                    + " more cores than ONNX Runtime threads, or below inference's priority). Default: ${DEFAULT-VALUE}.")
    String prepareOverlap;

    @Option(names = "--background-priority", defaultValue = "nice:19", paramLabel = "nice:N|idle|off",
            description = "How every thread but inference's runs, the broker's included (the detector's"
                    + " background-priority). Default: ${DEFAULT-VALUE}.")
    String backgroundPriority;

    @Option(names = "--kafka-dir", paramLabel = "DIR",
            description = "Data dir of the embedded broker (default: a temporary one, deleted at the end).")
    Path kafkaDir;

    @Override
    public Integer call() throws Exception {
        validate();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int perCamera = (frames + cameras - 1) / cameras;
        boolean max = rate != null;
        out.printf(Locale.ROOT, "video %s: %d cameras x %d frames at %s; max-batch %d, max-wait %d ms, %d cores%n",
                video.getFileName(), cameras, perCamera,
                max ? "max rate" : String.format(Locale.ROOT, "%.1f fps each (%.1f fps in all)", fps, fps * cameras),
                maxBatch, maxWaitMs, Runtime.getRuntime().availableProcessors());
        out.flush();
        Clips clips = new Clips(Math.min(clipFrames, perCamera * cameras), out, err);
        List<PipelineRun.Result> results = new ArrayList<>();
        try (EmbeddedKafka broker = kafkaDir == null ? EmbeddedKafka.temporary()
                : new EmbeddedKafka(kafkaDir, 0, Map.of())) {
            err.printf(Locale.ROOT, "bench-pipeline: embedded Kafka on %s%n", broker.bootstrapServers());
            int run = 0;
            if (warmupFrames > 0) {
                warmUp(broker, clips.forPolicy(resolutions.get(0)), err);
            }
            for (Path model : models) {
                try (CoreBench core = coreIterations == 0 || !anyFixed() ? null : new CoreBench(model, device,
                        threads, preprocess, maxBatch, 2, coreIterations)) {
                    for (String policy : resolutions) {
                        List<EncodedFrame> clip = clips.forPolicy(policy);
                        run++;
                        String label = String.format(Locale.ROOT, "[%d/%d] %s %s", run,
                                models.size() * resolutions.size(), model.getFileName(), policy);
                        int fixed = fixedSize(policy);
                        CoreBench.Measurement before = null;
                        if (core != null && fixed > 0) {
                            err.printf(Locale.ROOT, "%s: model core alone at %d, batch %d...%n", label, fixed, maxBatch);
                            err.flush();
                            before = core.measure(fixed, clip);
                        }
                        err.printf(Locale.ROOT, "%s: loading and warming up the detector...%n", label);
                        err.flush();
                        PipelineRun.Result r = new PipelineRun(broker, clip, run).run(
                                settings(model, policy, perCamera, max ? 0 : fps), progress(err, label));
                        if (before != null) {
                            // before and after the pipeline, so a load change during the run weighs on both sides
                            CoreBench.Measurement after = core.measure(fixed, clip);
                            r = r.withCore((before.framesPerSecond() + after.framesPerSecond()) / 2,
                                    (before.cpuMsPerFrame() + after.cpuMsPerFrame()) / 2);
                            err.printf(Locale.ROOT, "%s: model core %.2f frames/s before, %.2f after (%.1f and %.1f"
                                    + " CPU ms per frame); pipeline %.1f CPU ms per frame%n", label,
                                    before.framesPerSecond(), after.framesPerSecond(), before.cpuMsPerFrame(),
                                    after.cpuMsPerFrame(), r.cpuMsPerFrame());
                        }
                        results.add(r);
                        err.printf(Locale.ROOT, "%s: done, %.2f frames/s, p50 %.0f ms%n", label, r.framesPerSecond(),
                                r.latency().p50());
                        err.flush();
                    }
                }
            }
        }
        out.print(PipelineTable.format(results, fps, Runtime.getRuntime().availableProcessors()));
        out.flush();
        return 0;
    }

    /**
     * The video's frames as the runs publish them, decoded and JPEG-encoded once per frame size (one size, unless
     * --fit-to-network fits each policy's own), each announced on stdout when first loaded.
     */
    private final class Clips {
        private final int count;
        private final PrintWriter out;
        private final PrintWriter err;
        private final Map<String, List<EncodedFrame>> bySize = new HashMap<>();

        Clips(int count, PrintWriter out, PrintWriter err) {
            this.count = count;
            this.out = out;
            this.err = err;
        }

        List<EncodedFrame> forPolicy(String policy) throws InterruptedException {
            int box = fitToNetwork ? largestInput(policy) : 0;
            int w = fitToNetwork ? box : maxWidth;
            int h = fitToNetwork ? box : maxHeight;
            String key = w + "x" + h;
            List<EncodedFrame> clip = bySize.get(key);
            if (clip == null) {
                err.printf(Locale.ROOT, "bench-pipeline: decoding %s (up to %d frames%s)...%n", video, count,
                        w > 0 || h > 0 ? ", fitted to " + key : "");
                err.flush();
                clip = ClipFrames.load(video, count, w, h, quality);
                EncodedFrame f0 = clip.get(0);
                double kb = clip.stream().mapToInt(f -> f.jpeg().length).average().orElse(0) / 1024;
                out.printf(Locale.ROOT, "clip: %d frames of %dx%d in memory, JPEG q%d ~%.0f KiB%s%n", clip.size(),
                        f0.width(), f0.height(), quality, kb,
                        fitToNetwork ? " (fitted to " + policy.strip() + "'s " + box + "x" + box + ")" : "");
                out.flush();
                bySize.put(key, clip);
            }
            return clip;
        }
    }

    /** The largest input size a policy runs: N of fixed:N, else the ladder's largest. */
    private int largestInput(String policy) {
        int fixed = fixedSize(policy);
        return fixed > 0 ? fixed : ResolutionLadder.parse(ladder).max();
    }

    /** The unmeasured run of --warmup-frames; its topics are numbered apart from the measured runs'. */
    private void warmUp(EmbeddedKafka broker, List<EncodedFrame> clip, PrintWriter err) throws InterruptedException {
        String label = String.format(Locale.ROOT, "[warm-up] %s %s", models.get(0).getFileName(),
                resolutions.get(0).strip());
        err.printf(Locale.ROOT, "%s: %d frames, not measured...%n", label, warmupFrames);
        err.flush();
        PipelineRun.Result r = new PipelineRun(broker, clip, 10_000).run(
                settings(models.get(0), resolutions.get(0), (warmupFrames + cameras - 1) / cameras, 0),
                progress(err, label));
        err.printf(Locale.ROOT, "%s: done, %.2f frames/s%n", label, r.framesPerSecond());
        err.flush();
    }

    /** One run's settings; {@code fps} 0 = max rate. */
    private PipelineRun.Settings settings(Path model, String policy, int perCamera, double fps) {
        return new PipelineRun.Settings(model, policy.strip(), cameras, perCamera, fps,
                partitions > 0 ? partitions : cameras, detectFlags(), stallTimeoutS);
    }

    /** Progress lines of a run, on stderr under its label. */
    private static java.util.function.Consumer<String> progress(PrintWriter err, String label) {
        return line -> {
            err.println(label + ": " + line);
            err.flush();
        };
    }

    private Map<String, String> detectFlags() {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("max-batch", String.valueOf(maxBatch));
        f.put("max-wait-ms", String.valueOf(maxWaitMs));
        f.put("latency-budget-ms", String.valueOf(latencyBudgetMs));
        f.put("ladder", ladder);
        f.put("device", device);
        f.put("threads", String.valueOf(threads));
        f.put("workers", String.valueOf(workers));
        f.put("preprocess", preprocess);
        f.put("reduced-decode", String.valueOf(reducedDecode));
        f.put("ort-spinning", String.valueOf(ortSpinning));
        f.put("prepare-overlap", prepareOverlap);
        f.put("background-priority", backgroundPriority);
        return f;
    }

    /** N of a fixed:N policy, else 0. */
    static int fixedSize(String policy) {
        String p = policy.strip().toLowerCase(Locale.ROOT);
        if (!p.startsWith("fixed:")) {
            return 0;
        }
        try {
            return Integer.parseInt(p.substring("fixed:".length()).strip());
        } catch (NumberFormatException e) {
            return 0; // the detector's config check names the problem
        }
    }

    private boolean anyFixed() {
        return resolutions.stream().anyMatch(p -> fixedSize(p) > 0);
    }

    private void validate() {
        List<String> problems = new ArrayList<>();
        if (frames < 1) {
            problems.add("--frames: expected at least 1, found " + frames);
        }
        if (cameras < 1 || cameras > 1000) {
            problems.add("--cameras: expected 1..1000, found " + cameras);
        }
        if (rate != null && !rate.strip().equalsIgnoreCase("max")) {
            problems.add("--rate: expected max (or leave it out and use --fps), found '" + rate + "'");
        }
        if (rate == null && !(fps > 0 && fps <= 240)) {
            problems.add("--fps: expected 0 < fps <= 240, found " + fps);
        }
        if (warmupFrames < 0) {
            problems.add("--warmup-frames: expected 0 (none) or more, found " + warmupFrames);
        }
        if (coreIterations < 0) {
            problems.add("--core-iterations: expected 0 (skip) or more, found " + coreIterations);
        }
        if (clipFrames < 1) {
            problems.add("--clip-frames: expected at least 1, found " + clipFrames);
        }
        if (stallTimeoutS < 1) {
            problems.add("--stall-timeout-s: expected at least 1, found " + stallTimeoutS);
        }
        if (fitToNetwork && resolutions.stream().anyMatch(p -> fixedSize(p) == 0)) {
            try {
                ResolutionLadder.parse(ladder);
            } catch (IllegalArgumentException e) {
                problems.add("--ladder: " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), String.join("; ", problems));
        }
    }
}
