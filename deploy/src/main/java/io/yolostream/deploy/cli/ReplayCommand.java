package io.yolostream.deploy.cli;

import io.yolostream.deploy.run.AllInOne;
import io.yolostream.deploy.run.ReplayRun;
import io.yolostream.deploy.run.RunConsole;
import io.yolostream.deploy.run.RunSetup;
import io.yolostream.http.Tokens;
import io.yolostream.ingest.IngestException;
import io.yolostream.ingest.service.IngestConfig;
import io.yolostream.ingest.source.CameraSpec;
import io.yolostream.ingest.source.ReplaySpeed;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Runs one video file through the whole pipeline and waits for every frame's detection: the "
                + "all-in-one of `yolostream run` (embedded Kafka broker, detector, sinks) with ingest in replay mode "
                + "(every sampled frame published, none dropped, then an end-of-stream record).",
                "Shows a progress bar (frames published, detections committed, fps, ETA); at the end prints a "
                        + "summary (frames, objects per label, fps, wall time) and writes the detections to a JSON "
                        + "Lines file, one line per frame in frame order (the fields of Detection.avsc, as on the "
                        + "detections.json topic). The detections, hierarchy and counts topics stay in the broker "
                        + "under --data-dir (or in your cluster with --bootstrap-servers).",
                "With no --model it uses the pretrained face detector face-tiny (pulled on first use; offline without it, "
                        + "yolov2-tiny-voc with seeded random weights, and a banner says so)."},
        footer = {"", "Examples:",
                "  yolostream replay parking.mp4",
                "  yolostream replay parking.mp4 --model yolov2-voc --subscribe animal,person --out parking.jsonl",
                "  yolostream replay parking.mp4 --model yolov2-tiny-voc.cfg --weights yolov2-tiny-voc.weights "
                        + "--names voc.names --map voc --subscribe animal,\"motor vehicle\"",
                "  yolostream replay gate.mkv --camera-id gate --fps 0 --speed 1 --model yolo9000.cfg "
                        + "--weights yolo9000.weights --subscribe dog,animal",
                "  yolostream replay clip.mp4 --bootstrap-servers localhost:9092   # next to a running `yolostream run`",
                "  yolostream replay gate.mp4 --track --zones zones.json --out gate.jsonl"})
final class ReplayCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The video file to replay (any format ffmpeg reads).")
    Path file;

    @Option(names = "--camera-id", paramLabel = "ID", description = "Camera id of the frames (default: the file name).")
    String cameraId;

    @Option(names = "--fps", paramLabel = "FPS",
            description = "Frames per second sampled from the file; 0 = every frame. Default: ingest's default-fps (5).")
    Double fps;

    @Option(names = "--speed", defaultValue = "max", paramLabel = "max|1|2",
            description = "Pace: max = as fast as the pipeline takes it, 1 = as recorded, 2 = twice as fast. "
                    + "Default: ${DEFAULT-VALUE}.")
    String speed;

    @Option(names = "--out", defaultValue = "detections.jsonl", paramLabel = "FILE",
            description = "JSON Lines file of the detections, one line per frame. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Option(names = "--track",
            description = "Also follow the sinks' tracks and events topics: each line gets the frame's tracks "
                    + "(\"tracks\") and the events it caused (\"events\"), the summary the tracks by label and the "
                    + "events by kind. The replay's tracks end once the camera has been idle for 2 s.")
    boolean track;

    @Option(names = "--zones", paramLabel = "FILE",
            description = "Zones and lines of the camera (JSON, see docs/tracking.md) for --track's events.")
    Path zones;

    @Mixin
    PipelineOptions pipeline;

    @Option(names = "--port-base", defaultValue = "0", paramLabel = "PORT",
            description = "HTTP ports, all on 127.0.0.1: ingest API on PORT, detector on PORT+1, sinks and the live "
                    + "view on PORT+2; 0 = any free ones (the banner prints the live view's link with this start's "
                    + "token, also written to DATA-DIR/replay.token). Default: ${DEFAULT-VALUE}.")
    int portBase;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Broker data and demo assets, as for `yolostream run` (default: $YOLOSTREAM_HOME/run or "
                    + "~/.cache/yolostream/run). Not while a `run` uses the same dir: use --bootstrap-servers then.")
    Path dataDir;

    @Option(names = "--sinks-wait", defaultValue = "60", paramLabel = "SECONDS",
            description = "How long to wait at the end for the sinks (hierarchy topics) to catch up. "
                    + "Default: ${DEFAULT-VALUE}.")
    long sinksWait;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        if (!Files.isRegularFile(file)) {
            throw new IngestException("replay: expected a video file, found no file " + file);
        }
        if (zones != null && !track) {
            throw new IngestException("replay --zones: expected --track with it (zones give track events), found "
                    + "--zones alone");
        }
        ReplaySpeed pace = ReplaySpeed.parse(speed);
        RunSetup setup = pipeline.setup(dataDir, List.of(file.toString()));
        String id = cameraId != null ? cameraId : setup.cameras().keySet().iterator().next();
        IngestConfig ingest = IngestConfig.resolve(new Properties(), Map.of(), Map.of());
        CameraSpec camera = new CameraSpec(id, file.toString(),
                fps != null ? fps : ingest.get(IngestConfig.DEFAULT_FPS), ingest.get(IngestConfig.DEFAULT_MAX_WIDTH),
                ingest.get(IngestConfig.DEFAULT_MAX_HEIGHT), ingest.get(IngestConfig.DEFAULT_QUALITY));

        CountDownLatch closed = new CountDownLatch(1);
        ReplayRun[] running = new ReplayRun[1];
        Thread hook = new Thread(() -> {
            ReplayRun r = running[0];
            if (r != null) {
                r.cancel();
            }
            try {
                closed.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "replay-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        ReplayRun.Result result;
        // On its own embedded broker the replay is that data dir's all-in-one (as `run` is: same ids, so either
        // one resumes where the other stopped or crashed). In a cluster it joins the groups as a short-lived guest
        // with ids of its own, next to a running all-in-one or detectors, without fencing them.
        boolean embedded = pipeline.bootstrapServers == null;
        String instanceId = embedded ? "all-in-one" : "replay-" + ProcessHandle.current().pid();
        Map<String, String> sinksFlags = new java.util.LinkedHashMap<>(pipeline.sinksFlags(setup));
        if (track) {
            // the camera stops with the file: its tracks end (ENDED, reason idle) 2 s later, not 10
            sinksFlags.put("track-idle-end", "2s");
        }
        if (zones != null) {
            sinksFlags.put("zones", zones.toAbsolutePath().toString());
        }
        String token = Tokens.generate();
        Path tokenFile = setup.dataDir().resolve(TOKEN_FILE);
        Tokens.write(tokenFile, token);
        try (AllInOne all = new AllInOne(setup.dataDir(), Map.of(), setup.modelFlags(), sinksFlags,
                pipeline.bootstrapServers, pipeline.kafkaPort, portBase, token, instanceId, embedded)) {
            banner(out, all, setup, camera);
            out.printf(Locale.ROOT, "  live view    %s%n", RunConsole.liveViewLink(all.sinksPort(), token));
            out.printf(Locale.ROOT, "  token        %s (new each start)%n", tokenFile);
            out.flush();
            ReplayRun run = new ReplayRun(all, camera, pace, ingest.sourceOptions(), out(),
                    Duration.ofSeconds(Math.max(0, sinksWait)), track);
            running[0] = run;
            try (Bar bar = new Bar(System.err, System.console() != null)) {
                result = run.run(bar::update);
            }
            summary(out, result, all);
        } finally {
            closed.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // already shutting down
            }
        }
        return 0;
    }

    /** The file in the data dir that holds this replay's token (run's is another, so both can share a dir). */
    static final String TOKEN_FILE = "replay.token";

    private Path out() {
        return out.toAbsolutePath().normalize();
    }

    private void banner(PrintWriter out, AllInOne all, RunSetup setup, CameraSpec camera) {
        out.println("yolostream replay");
        out.printf(Locale.ROOT, "  file         %s as camera %s, %s fps sampled, speed %s%n", file, camera.id(),
                camera.targetFps() > 0 ? String.format(Locale.ROOT, "%.3g", camera.targetFps()) : "all",
                speed);
        out.printf(Locale.ROOT, "  kafka        %s (%s)%n", all.bootstrapServers(),
                all.embeddedBroker() ? "embedded, data in " + setup.dataDir().resolve("kafka") : "external");
        out.printf(Locale.ROOT, "  model        %s%n", all.modelId());
        out.printf(Locale.ROOT, "  topics       frames -> %s -> %s%n", all.detectionsTopic(),
                String.join(", ", all.sinkTopics()));
        out.printf(Locale.ROOT, "  hierarchy    %s%n", all.hierarchy());
        if (setup.modelNote() != null) {
            out.println("  " + setup.modelNote());
        }
        if (setup.demoModel()) {
            out.println("  *** DEMO MODEL: yolov2-tiny-voc with seeded RANDOM weights, threshold lowered: the labels "
                    + "are not real.");
            out.println("  *** Pass --model NAME (yolostream models list) or a converted file (yolostream convert).");
        }
        out.flush();
    }

    private static void summary(PrintWriter out, ReplayRun.Result r, AllInOne all) {
        out.printf(Locale.ROOT, "replayed camera %s (session %s)%n", r.cameraId(), r.sessionId());
        out.printf(Locale.ROOT, "  frames       %d (%s)%n", r.frames(), r.statuses().entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")));
        out.printf(Locale.ROOT, "  objects      %d: %s%n", r.objects(), ReplayRun.labels(r.objectsPerLabel()));
        out.printf(Locale.ROOT, "  time         %.1f s wall, %.1f frames/s%n", r.wallTime().toMillis() / 1000.0,
                r.fps());
        if (r.tracks() != null) {
            ReplayRun.Tracks t = r.tracks();
            out.printf(Locale.ROOT, "  tracks       %d: %s%n", t.count(), ReplayRun.labels(t.perLabel()));
            out.printf(Locale.ROOT, "  events       %s%s%n", ReplayRun.labels(t.events()),
                    t.complete() ? "" : " (incomplete: see the warning above)");
        }
        out.printf(Locale.ROOT, "  detections   %s (one JSON line per frame%s)%n", r.out(),
                r.tracks() != null ? ", with its tracks and events" : "");
        out.printf(Locale.ROOT, "  topics       %s, %s%s%n", all.detectionsTopic(), String.join(", ", all.sinkTopics()),
                r.sinksCaughtUp() ? "" : " (the sinks had not caught up: see the warning above)");
        if (!r.routed().isEmpty()) {
            out.printf(Locale.ROOT, "  routed       %s (records of this replay per hierarchy topic)%n",
                    r.routed().entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                            .collect(Collectors.joining(", ")));
        }
        out.flush();
    }

    /** The progress line: redrawn in place on a terminal, a plain line every 5 s otherwise. */
    static final class Bar implements AutoCloseable {
        private static final long PLAIN_EVERY_NANOS = 5_000_000_000L;
        private final PrintStream err;
        private final boolean interactive;
        private long lastPlain = System.nanoTime();
        private String last = "";

        Bar(PrintStream err, boolean interactive) {
            this.err = err;
            this.interactive = interactive;
        }

        static String line(ReplayRun.Progress p) {
            long total = p.totalEstimate();
            double f = total > 0 ? Math.min(1.0, (double) p.committed() / total) : 0;
            int filled = (int) Math.round(f * 30);
            String of = total > 0 ? (p.replayDone() ? "/" : "/~") + total : "";
            String eta = p.eta() != null && p.committed() < total ? " ETA " + p.eta().toSeconds() + "s" : "";
            return String.format(Locale.ROOT, "replay [%s%s] %3.0f%% published %d%s, detected %d%s, %.1f frames/s%s",
                    "#".repeat(filled), ".".repeat(30 - filled), f * 100, p.published(), of, p.committed(), of,
                    p.fps(), eta);
        }

        synchronized void update(ReplayRun.Progress p) {
            last = line(p);
            if (interactive) {
                err.print("\r" + last + "   ");
                err.flush();
            } else if (System.nanoTime() - lastPlain >= PLAIN_EVERY_NANOS) {
                lastPlain = System.nanoTime();
                err.println(last);
                err.flush();
            }
        }

        @Override
        public synchronized void close() {
            if (!last.isEmpty()) {
                err.print(interactive ? "\r" + last + "   \n" : last + "\n");
                err.flush();
            }
        }
    }
}
