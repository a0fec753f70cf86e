package io.yolostream.deploy.run;

import io.yolostream.detector.avro.Detection;
import io.yolostream.detector.avro.DetectionStatus;
import io.yolostream.ingest.service.CameraStatus;
import org.slf4j.LoggerFactory;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** The all-in-one console: a banner, every detection with objects as it is committed, a status line per camera. */
public final class RunConsole implements AutoCloseable {
    /** The file in the data dir that holds this start's token. */
    public static final String TOKEN_FILE = "run.token";
    private static final long STATUS_EVERY_S = 5;

    private final AllInOne all;
    private final PrintWriter out;
    private final DetectionTail tail;
    private final ScheduledExecutorService status;
    private final Map<String, long[]> previous = new java.util.HashMap<>();
    private long reportedSkipped;

    public RunConsole(AllInOne all, PrintWriter out) {
        this.all = all;
        this.out = out;
        this.tail = new DetectionTail(all.bootstrapServers(), "detections", this::print);
        this.status = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "run-status");
            t.setDaemon(true);
            return t;
        });
        status.scheduleAtFixedRate(this::statusLines, STATUS_EVERY_S, STATUS_EVERY_S, TimeUnit.SECONDS);
    }

    /**
     * @param token     this start's token (the live view's link carries it; the ingest API wants it as bearer)
     * @param tokenFile where it is kept for scripts (mode 0600)
     */
    public void banner(RunSetup setup, String token, java.nio.file.Path tokenFile) {
        synchronized (out) {
            out.println("yolostream all-in-one");
            out.printf(Locale.ROOT, "  kafka        %s (%s)%n", all.bootstrapServers(),
                    all.embeddedBroker() ? "embedded, data in " + setup.dataDir().resolve("kafka") : "external");
            out.println("  topics       frames -> detections (+ frames.dlq)");
            out.printf(Locale.ROOT, "  ingest       http://127.0.0.1:%d/cameras  /metrics  /health  (cameras: "
                    + "Authorization: Bearer <token>)%n", all.ingestPort());
            out.printf(Locale.ROOT, "  detector     http://127.0.0.1:%d/metrics  /health  (model %s)%n",
                    all.detectPort(), all.modelId());
            out.printf(Locale.ROOT, "  sinks        http://127.0.0.1:%d/counts?camera=ID&node=NAME  /metrics  /health%n",
                    all.sinksPort());
            out.printf(Locale.ROOT, "               %s%n", String.join(", ", all.sinkTopics()));
            out.printf(Locale.ROOT, "  hierarchy    %s%n", all.hierarchy());
            out.printf(Locale.ROOT,
                    "  live view    %s  (cameras, annotated video, detections, counts)%n",
                    liveViewLink(all.sinksPort(), token));
            out.printf(Locale.ROOT, "  token        %s (new each start: the live view's and the ingest API's)%n",
                    tokenFile);
            setup.cameras().forEach((id, url) -> out.printf(Locale.ROOT, "  camera %-6s %s%n", id,
                    io.yolostream.config.UrlMasker.mask(url)));
            if (setup.modelNote() != null) {
                out.println("  " + setup.modelNote());
            }
            if (setup.demoModel()) {
                out.println();
                out.println("  *** DEMO MODEL: darknet's yolov2-tiny-voc with seeded RANDOM weights, threshold lowered.");
                out.println("  *** The pipeline is real; the labels are not. For real detections pass --model: a name");
                out.println("  *** (face-tiny, yolov2-voc, ...: yolostream models list) or a file (yolostream convert).");
            }
            out.println();
            out.flush();
        }
    }

    /** The live view's link that logs the browser in (the token becomes a cookie and leaves the address bar). */
    public static String liveViewLink(int port, String token) {
        return "http://127.0.0.1:" + port + "/?token=" + token;
    }

    private void print(Detection d) {
        if (d.getStatus() == DetectionStatus.OK && d.getObjects().isEmpty()) {
            return;
        }
        synchronized (out) {
            out.printf(Locale.ROOT, "%s #%d %dx%d: %s%n", d.getCameraId(), d.getSequence(), d.getInputWidth(),
                    d.getInputHeight(), DetectionTail.describe(d));
            out.flush();
        }
    }

    private void statusLines() {
        try {
            Map<String, DetectionTail.CameraFigures> figures = tail.figures();
            synchronized (out) {
                for (CameraStatus s : all.cameras()) {
                    String id = s.spec().id();
                    DetectionTail.CameraFigures f = figures.get(id);
                    long records = 0;
                    long objects = 0;
                    if (f != null) {
                        synchronized (f) {
                            records = f.records;
                            objects = f.objects;
                        }
                    }
                    long[] before = previous.getOrDefault(id, new long[2]);
                    previous.put(id, new long[]{records, objects});
                    out.printf(Locale.ROOT, "[status] %s: %s, in %.1f fps, out %.1f fps, detected %.1f fps at %d, "
                                    + "%.1f objects/s%s%n", id, s.source().connected() ? "connected" : "DISCONNECTED",
                            s.source().fpsIn(), s.source().fpsOut(),
                            (records - before[0]) / (double) STATUS_EVERY_S, all.resolution(),
                            (objects - before[1]) / (double) STATUS_EVERY_S,
                            s.source().lastError() != null && !s.source().connected()
                                    ? " (" + s.source().lastError() + ")" : "");
                }
                long skipped = tail.skipped();
                if (skipped > reportedSkipped) {
                    out.printf(Locale.ROOT, "[status] skipped %d detection record(s) the console could not read"
                            + " (see the log); it goes on%n", skipped - reportedSkipped);
                    reportedSkipped = skipped;
                }
                if (!all.detectorRunning()) {
                    out.println("[status] the detector stopped: see the log above");
                }
                out.flush();
            }
        } catch (RuntimeException e) {
            LoggerFactory.getLogger(RunConsole.class).warn("status: " + e);
        }
    }

    @Override
    public void close() {
        status.shutdownNow();
        tail.close();
    }
}
