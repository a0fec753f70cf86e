package io.yolostream.deploy.run;

import io.micrometer.core.instrument.Gauge;
import io.yolostream.detector.model.ModelInfo;
import io.yolostream.detector.service.DetectConfig;
import io.yolostream.detector.service.DetectService;
import io.yolostream.ingest.publish.FramePublisher;
import io.yolostream.ingest.service.CameraStatus;
import io.yolostream.ingest.service.IngestConfig;
import io.yolostream.ingest.service.IngestService;
import io.yolostream.kafka.embedded.EmbeddedKafka;
import io.yolostream.sinks.config.SinksConfig;
import io.yolostream.sinks.hierarchy.ModelClasses;
import io.yolostream.sinks.hierarchy.Subscription;
import io.yolostream.sinks.service.SinksService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Everything in one JVM: a KRaft broker (unless an external cluster is given), ingest, the detector, and the
 * sinks, wired to one another. Started in pipeline order, closed in reverse: cameras stop first, the detector
 * finishes and commits its batch in flight, the broker goes last, so nothing acknowledged is lost.
 */
public final class AllInOne implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AllInOne.class);
    /** The frames topic's retention in the all-in-one unless YOLOSTREAM_INGEST_FRAMES_RETENTION_* say otherwise. */
    public static final int FRAMES_RETENTION_MINUTES = 60;
    public static final int FRAMES_RETENTION_MB = 2048;
    /**
     * The embedded broker's defaults for every other topic it holds (detections, annotated frames, counts, ...):
     * a day or 256 MiB per partition, whichever comes first, in segments small enough for that to act; checked
     * every 30 s (Kafka's default is 5 min). Compacted topics (state-store changelogs) keep their latest values.
     */
    public static final Map<String, String> BROKER_RETENTION = Map.of(
            "log.retention.hours", "24",
            "log.retention.bytes", String.valueOf(256L << 20),
            "log.segment.bytes", String.valueOf(64L << 20),
            "log.retention.check.interval.ms", "30000");

    private final EmbeddedKafka broker;
    private final String bootstrap;
    private final IngestService ingest;
    private final DetectService detect;
    private final SinksService sinks;
    private final String detectionsTopic;

    /**
     * @param cameras    camera id → URL or file (looped as a live camera)
     * @param model      model flags for the detector (model, weights, names, tree, thresh, ...)
     * @param sinksFlags sinks flags (subscribe, map, map-tree, map-names, ...); the routing tree of a YOLO9000
     *                   model and the map of a flat one follow from the model the detector opened
     * @param bootstrap  an existing cluster, or null for the embedded broker in {@code dataDir/kafka}
     * @param portBase   ingest API on portBase, detector on +1, sinks on +2; 0 = any free ports
     * @param token      the ingest API's token and the live view's viewer token (one per start; see
     *                   {@link io.yolostream.http.Tokens})
     */
    public AllInOne(Path dataDir, Map<String, String> cameras, Map<String, String> model,
                    Map<String, String> sinksFlags, String bootstrap, int kafkaPort, int portBase, String token) {
        this(dataDir, cameras, model, sinksFlags, bootstrap, kafkaPort, portBase, token, "all-in-one", true);
    }

    /**
     * @param instanceId       the detector's instance id (its transactional id and, when static, its group member
     *                         id); a restart with the same id fences and aborts what a crashed one left open
     * @param staticMembership the detector and sinks join their groups as static members ({@link #staticMember}):
     *                         right for the one all-in-one of a data dir, wrong for a short-lived guest in a cluster
     *                         whose partitions would stay assigned to it for a session timeout after it leaves
     */
    public AllInOne(Path dataDir, Map<String, String> cameras, Map<String, String> model,
                    Map<String, String> sinksFlags, String bootstrap, int kafkaPort, int portBase, String token,
                    String instanceId, boolean staticMembership) {
        EmbeddedKafka b = null;
        IngestService in = null;
        DetectService det = null;
        String detTopic;
        try {
            if (bootstrap == null) {
                b = new EmbeddedKafka(dataDir.resolve("kafka"), kafkaPort, BROKER_RETENTION);
                bootstrap = b.bootstrapServers();
            }
            // the all-in-one's defaults go where the environment (YOLOSTREAM_INGEST_*) can change them
            Properties ingestFile = new Properties();
            ingestFile.setProperty(IngestConfig.FRAMES_RETENTION_MINUTES.name(),
                    Integer.toString(FRAMES_RETENTION_MINUTES));
            ingestFile.setProperty(IngestConfig.FRAMES_RETENTION_MB.name(), Integer.toString(FRAMES_RETENTION_MB));
            cameras.forEach((id, url) -> ingestFile.setProperty("camera." + id + ".url", url));
            in = new IngestService(IngestConfig.resolve(ingestFile, ingestEnvironment(), Map.of(
                    "bootstrap-servers", bootstrap, "http-port", Integer.toString(port(portBase, 0)),
                    "http-host", "127.0.0.1", "api-token", token)));
            Map<String, String> detectFlags = new LinkedHashMap<>(model);
            detectFlags.put("bootstrap-servers", bootstrap);
            detectFlags.put("http-port", Integer.toString(port(portBase, 1)));
            detectFlags.put("http-host", "127.0.0.1");
            detectFlags.putIfAbsent("instance-id", instanceId);
            DetectConfig detectConfig = DetectConfig.resolve(
                    staticMembership ? staticMember(detectFlags.get("instance-id")) : new Properties(), Map.of(),
                    detectFlags);
            detTopic = detectConfig.get(DetectConfig.DETECTIONS_TOPIC);
            det = new DetectService(detectConfig);
            Map<String, String> sf = new LinkedHashMap<>(sinksFlags);
            sf.put("bootstrap-servers", bootstrap);
            sf.put("http-port", Integer.toString(port(portBase, 2)));
            sf.put("http-host", "127.0.0.1");
            sf.put("viewer-token", token);
            sf.put("state-dir", dataDir.resolve("sinks-state").toString());
            // the sinks know the model here: a YOLO9000 model's tree routes, a flat model's names pick the map
            ModelInfo info = det.modelInfo();
            this.sinks = new SinksService(SinksConfig.resolve(
                    staticMembership ? staticMember(instanceId + "-sinks") : new Properties(), Map.of(), sf,
                    new ModelClasses(info.name(), info.names(), info.tree())));
        } catch (RuntimeException e) {
            if (det != null) {
                det.close();
            }
            if (in != null) {
                in.close();
            }
            if (b != null) {
                b.close();
            }
            throw e;
        }
        this.broker = b;
        this.bootstrap = bootstrap;
        this.ingest = in;
        this.detect = det;
        this.detectionsTopic = detTopic;
        LOG.info("all-in-one running on {}", bootstrap);
    }

    /** The YOLOSTREAM_INGEST_* variables (camera allowlist, retention, ...): flags above still win. */
    private static Map<String, String> ingestEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        System.getenv().forEach((k, v) -> {
            if (k.startsWith("YOLOSTREAM_INGEST_")) {
                env.put(k, v);
            }
        });
        return env;
    }

    private static int port(int base, int offset) {
        return base == 0 ? 0 : base + offset;
    }

    /**
     * Static group membership for the detector's consumer and the sinks' stream thread: after a crash (SIGKILL) the
     * restarted all-in-one takes its partitions back at once instead of waiting out the dead members' sessions
     * (45 s by default; the sinks would not process, and a Ctrl-C would wait, until then). There is one of each per
     * all-in-one, and the detector's instance id (and so its transactional id) is fixed already.
     */
    private static Properties staticMember(String id) {
        Properties p = new Properties();
        p.setProperty("kafka.group.instance.id", id);
        return p;
    }

    public String bootstrapServers() {
        return bootstrap;
    }

    public boolean embeddedBroker() {
        return broker != null;
    }

    public int ingestPort() {
        return ingest.httpPort();
    }

    public int detectPort() {
        return detect.httpPort();
    }

    public int sinksPort() {
        return sinks.httpPort();
    }

    public java.util.List<String> sinkTopics() {
        return sinks.config().outputTopics();
    }

    /** The hierarchy topics, one per subscription, in the order subscribed. */
    public List<String> routedTopics() {
        return sinks.config().subscriptions().stream().map(Subscription::topic).toList();
    }

    /** Which WordTree and map the sinks route on, and why (e.g. the map chosen from the model's names). */
    public String hierarchy() {
        return sinks.config().hierarchy().describe();
    }

    /** The ingest service's frame publisher (replays put their frames here). */
    public FramePublisher publisher() {
        return ingest.publisher();
    }

    /** Whether the sinks track (tracks and events topics). */
    public boolean tracking() {
        return sinks.config().tracking();
    }

    public String tracksTopic() {
        return sinks.config().tracksTopic();
    }

    public String eventsTopic() {
        return sinks.config().eventsTopic();
    }

    /** The topic the detector writes (one record per frame). */
    public String detectionsTopic() {
        return detectionsTopic;
    }

    /** The sinks' Kafka Streams application id: the consumer group whose offsets on the detections topic say how
     * far the sinks got. */
    public String sinksGroup() {
        return sinks.config().get(SinksConfig.APPLICATION_ID).strip();
    }

    public String modelId() {
        return detect.modelId();
    }

    public List<CameraStatus> cameras() {
        return new ArrayList<>(ingest.cameras().statuses());
    }

    /** The input size the detector chose for its last batch (0 before the first). */
    public int resolution() {
        Gauge g = detect.registry().find("yolostream.detector.resolution").gauge();
        return g == null ? 0 : (int) g.value();
    }

    public boolean detectorRunning() {
        return detect.isRunning();
    }

    @Override
    public void close() {
        long start = System.nanoTime();
        // upstream first, so each stage drains what the previous one acknowledged; the broker last, so the sinks
        // can commit their stores' offsets
        LOG.info("stopping: cameras (ingest), the detector, the sinks{}", broker != null ? ", the embedded broker"
                : "");
        ingest.close();
        LOG.info("ingest stopped: cameras closed, queued frames published");
        detect.close();
        LOG.info("detector stopped: its last batch committed");
        sinks.close();
        if (broker != null) {
            broker.close();
            LOG.info("embedded broker stopped");
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        if (sinks.stoppedCleanly()) {
            LOG.info("all-in-one stopped cleanly in {} ms", ms);
        } else {
            LOG.warn("all-in-one stopped in {} ms, the sinks not cleanly: their next start restores state from the"
                    + " changelogs", ms);
        }
    }
}
