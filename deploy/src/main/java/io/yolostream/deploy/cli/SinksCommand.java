package io.yolostream.deploy.cli;

import io.yolostream.sinks.config.SinksConfig;
import io.yolostream.sinks.service.SinksService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "sinks", mixinStandardHelpOptions = true,
        description = {"Kafka Streams apps on the detections topic (exactly-once v2): WordTree routing to "
                + "detections.<node> topics for the subscribed nodes, per-camera counts per node in tumbling "
                + "windows (detections.counts, and GET /counts), a JSON mirror (detections.json), frame health "
                + "(detections.health) and a dead-letter topic for unreadable records (detections.dlq).",
                "A live view at http://HOST:PORT/ shows every camera: the annotated video (frames paired with their "
                        + "detections, boxes drawn; also written to frames.annotated), recent detections with their "
                        + "WordTree path, counts per node. --snapshot-dir keeps the best frame per camera, label and "
                        + "window as JPEG + JSON.",
                "HTTP listens on 127.0.0.1 unless --http-host says otherwise, which needs --viewer-token: then the "
                        + "live view, /api and /counts take it (Authorization: Bearer, or log in: "
                        + "http://HOST:PORT/?token=TOKEN or the login form); /metrics and /health stay open.",
                "Tracking (docs/tracking.md): objects keep ids over time (tracks topic, one record per frame), with a "
                        + "WordTree label that deepens as evidence accumulates; zones and directed lines per camera "
                        + "(--zones FILE, or PUT /api/zones/CAMERA/ID with the token) give events (events topic: "
                        + "started, ended, entered/left with dwell, crossed with direction, dwell over a limit) and "
                        + "unique tracks per zone and window in detections.counts and /counts.",
                "Configuration precedence: defaults < --config file < YOLOSTREAM_SINKS_* environment < flags."},
        footer = {"", "Examples:",
                "  yolostream sinks --map voc --subscribe animal,person          # a VOC model, on the shipped 9k tree",
                "  yolostream sinks --tree 9k --subscribe dog,animal,n02958343   # YOLO9000",
                "  yolostream sinks --annotate-cameras '*' --snapshot-dir /var/lib/yolostream/snapshots",
                "  kcat -C -b localhost:9092 -t detections.json -X isolation.level=read_committed",
                "  yolostream sinks --zones zones.json --subscribe person,car",
                "  kcat -C -b localhost:9092 -t events.json -X isolation.level=read_committed"})
final class SinksCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "Properties file with settings.")
    Path config;

    ConfigFlags flags;

    static CommandLine commandLine() {
        SinksCommand cmd = new SinksCommand();
        CommandLine cl = new CommandLine(cmd);
        cmd.flags = new ConfigFlags(cl.getCommandSpec(), SinksConfig.SCHEMA);
        return cl;
    }

    @Override
    public Integer call() throws Exception {
        SinksConfig cfg = SinksConfig.resolve(ConfigFlags.readFile(config), System.getenv(), flags.given());
        PrintWriter out = spec.commandLine().getOut();
        try (SinksService service = new SinksService(cfg)) {
            Thread hook = new Thread(service::close, "sinks-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            out.printf(Locale.ROOT, "sinks: %s -> %s%n", cfg.detectionsTopic(), String.join(", ", cfg.outputTopics()));
            String login = cfg.get(SinksConfig.VIEWER_TOKEN) == null || cfg.get(SinksConfig.VIEWER_TOKEN).isEmpty()
                    ? "no viewer token: local clients only" : "viewer token required: ?token=TOKEN logs a browser in";
            out.printf(Locale.ROOT,
                    "  live     http://localhost:%d/  (cameras; /cameras/ID: annotated video, detections; %s)%n",
                    service.httpPort(), login);
            out.printf(Locale.ROOT, "  counts   http://localhost:%d/counts?camera=ID&node=NAME%n", service.httpPort());
            if (cfg.tracking()) {
                out.printf(Locale.ROOT, "  zones    http://localhost:%d/api/zones  (PUT/DELETE /api/zones/CAMERA/ID)%n",
                        service.httpPort());
            }
            out.printf(Locale.ROOT, "  metrics  http://localhost:%d/metrics%n", service.httpPort());
            out.printf(Locale.ROOT, "  health   http://localhost:%d/health%n", service.httpPort());
            out.flush();
            service.awaitTermination();
        }
        return 0;
    }
}
