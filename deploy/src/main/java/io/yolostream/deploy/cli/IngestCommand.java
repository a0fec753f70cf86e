package io.yolostream.deploy.cli;

import io.yolostream.ingest.publish.FramePublisher;
import io.yolostream.ingest.service.IngestConfig;
import io.yolostream.ingest.service.IngestService;
import io.yolostream.ingest.source.CameraSpec;
import io.yolostream.ingest.source.ReplaySource;
import io.yolostream.ingest.source.ReplaySpeed;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = {"Publish camera frames (RTSP) and recorded video to Kafka as Avro JPEG frames.",
                "Service mode (default): runs the cameras of --config, with the control API, /metrics and /health "
                        + "on --http-port. Replay mode (--replay FILE): publishes every sampled frame of a video "
                        + "file, waits for Kafka, then writes an end-of-stream record.",
                "The control API listens on 127.0.0.1 unless --http-host says otherwise, which needs --api-token; "
                        + "writes take JSON (Content-Type: application/json) from no other site (Origin).",
                "Configuration precedence: defaults < --config file < YOLOSTREAM_INGEST_* environment < flags."},
        footer = {"", "Config file (properties):",
                "  bootstrap-servers=localhost:9092",
                "  camera.front.url=rtsp://user:pass@10.0.0.5/stream1",
                "  camera.front.fps=5",
                "  camera.yard.url=rtsp://10.0.0.6/live",
                "", "Examples:",
                "  yolostream ingest --config cameras.properties",
                "  yolostream ingest --replay parking.mp4 --camera-id parking --speed max",
                "  curl -H \"Authorization: Bearer $TOKEN\" -H 'Content-Type: application/json' \\",
                "       -d '{\"id\":\"gate\",\"url\":\"rtsp://10.0.0.7/s\",\"fps\":2}' localhost:8081/cameras"})
final class IngestCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "Properties file with settings and cameras.")
    Path config;

    @Option(names = "--replay", paramLabel = "FILE", description = "Replay this video file instead of running cameras.")
    Path replay;

    @Option(names = "--camera-id", paramLabel = "ID", description = "Camera id of the replayed frames (default: the file name).")
    String cameraId;

    @Option(names = "--speed", defaultValue = "1", paramLabel = "1|2|max",
            description = "Replay pace: 1 = as recorded, 2 = twice as fast, max = as fast as Kafka takes it. Default: ${DEFAULT-VALUE}.")
    String speed;

    @Option(names = "--loop", description = "Replay the file again and again (sequence numbers continue).")
    boolean loop;

    ConfigFlags flags;

    /** The command with one flag per ingest config key. */
    static CommandLine commandLine() {
        IngestCommand cmd = new IngestCommand();
        CommandLine cl = new CommandLine(cmd);
        cmd.flags = new ConfigFlags(cl.getCommandSpec(), IngestConfig.SCHEMA);
        return cl;
    }

    @Override
    public Integer call() throws Exception {
        IngestConfig cfg = IngestConfig.resolve(ConfigFlags.readFile(config), System.getenv(), flags.given());
        return replay != null ? replay(cfg) : serve(cfg);
    }

    private int serve(IngestConfig cfg) throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        CountDownLatch stop = new CountDownLatch(1);
        try (IngestService service = new IngestService(cfg)) {
            Thread hook = new Thread(stop::countDown, "ingest-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            out.printf(Locale.ROOT, "ingest: %d camera(s) -> topic %s on %s%n", cfg.cameras().size(),
                    cfg.get(IngestConfig.TOPIC), cfg.get(IngestConfig.BOOTSTRAP_SERVERS));
            String token = cfg.get(IngestConfig.API_TOKEN);
            out.printf(Locale.ROOT, "  control API  http://localhost:%d/cameras%s%n", service.httpPort(),
                    token == null || token.isEmpty() ? " (no api-token: local clients only)"
                            : " (bearer token required)");
            out.printf(Locale.ROOT, "  metrics      http://localhost:%d/metrics%n", service.httpPort());
            out.printf(Locale.ROOT, "  health       http://localhost:%d/health%n", service.httpPort());
            out.flush();
            stop.await();
        }
        return 0;
    }

    private int replay(IngestConfig cfg) throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        String id = cameraId != null ? cameraId
                : replay.getFileName().toString().replaceFirst("\\.[^.]+$", "").replaceAll("[^A-Za-z0-9._-]", "_");
        CameraSpec camera = new CameraSpec(id, replay.toString(), cfg.get(IngestConfig.DEFAULT_FPS),
                cfg.get(IngestConfig.DEFAULT_MAX_WIDTH), cfg.get(IngestConfig.DEFAULT_MAX_HEIGHT),
                cfg.get(IngestConfig.DEFAULT_QUALITY));
        ReplaySource.Summary summary;
        try (FramePublisher publisher = new FramePublisher(cfg.publisherConfig());
             ReplayProgress bar = new ReplayProgress(System.err)) {
            ReplaySource source = new ReplaySource(camera, ReplaySpeed.parse(speed), loop, publisher,
                    cfg.sourceOptions());
            summary = source.run(bar::update);
        }
        out.printf(Locale.ROOT, "replayed %s as camera %s: %d frame(s) in %d run(s), %.1f s, %.1f frames/s, topic %s"
                        + "%n", replay, summary.cameraId(), summary.frames(), summary.runs(),
                summary.elapsed().toMillis() / 1000.0, summary.fps(), cfg.get(IngestConfig.TOPIC));
        out.flush();
        return 0;
    }
}
