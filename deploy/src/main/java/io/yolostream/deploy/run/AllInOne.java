package io.yolostream.deploy.run;

import io.micrometer.core.instrument.Gauge;
import io.yolostream.kafka.embedded.EmbeddedKafka;
import io.yolostream.detector.service.DetectConfig;
import io.yolostream.detector.service.DetectService;
import io.yolostream.ingest.publish.FramePublisher;
import io.yolostream.ingest.service.CameraStatus;
import io.yolostream.ingest.service.IngestConfig;
import io.yolostream.ingest.service.IngestService;
import io.yolostream.sinks.config.SinksConfig;
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

    private final EmbeddedKafka broker;
    private final String bootstrap;
    private final IngestService ingest;
    private final DetectService detect;
    private final SinksService sinks;
    private final String detectionsTopic;

    /**
     * @param cameras    camera id → URL or file (looped as a live camera)
     * @param model      model flags for the detector (model, weights, names, tree, thresh, ...)
     * @param sinksFlags sinks flags (subscribe, tree, names, map)
     * @param bootstrap  an existing cluster, or null for the embedded broker in {@code dataDir/kafka}
     * @param portBase   ingest API on portBase, detector on +1, sinks on +2; 0 = any free ports
     */
    public AllInOne(Path dataDir, Map<String, String> cameras, Map<String, String> model,
                    Map<String, String> sinksFlags, String bootstrap, int kafkaPort, int portBase) {
        this(dataDir, cameras, model, sinksFlags, bootstrap, kafkaPort, portBase, "all-in-one", true);
    }

    /**
     * @param instanceId       the detector's instance id (its transactional id and, when static, its group member
     *                         id); a restart with the same id fences and aborts what a crashed one left open
     * @param staticMembership the detector and sinks join their groups as static members ({@link #staticMember}):
     *                         right for the one all-in-one of a data dir, wrong for a short-lived guest in a cluster
     *                         whose partitions would stay assigned to it for a session timeout after it leaves
     */
    public AllInOne(Path dataDir, Map<String, String> cameras, Map<String, String> model,
                    Map<String, String> sinksFlags, String bootstrap, int kafkaPort, int portBase, String instanceId,
                    boolean staticMembership) {
        EmbeddedKafka b = null;
        IngestService in = null;
        DetectService det = null;
        String detTopic;
        try {
            if (bootstrap == null) {
                b = new EmbeddedKafka(dataDir.resolve("kafka"), kafkaPort, Map.of());
                bootstrap = b.bootstrapServers();
            }
            Properties ingestFile = new Properties();
            cameras.forEach((id, url) -> ingestFile.setProperty("camera." + id + ".url", url));
            in = new IngestService(IngestConfig.resolve(ingestFile, Map.of(), Map.of(
                    "bootstrap-servers", bootstrap, "http-port", Integer.toString(port(portBase, 0)),
                    "http-host", "127.0.0.1")));
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
            sf.put("state-dir", dataDir.resolve("sinks-state").toString());
            this.sinks = new SinksService(SinksConfig.resolve(
                    staticMembership ? staticMember(instanceId + "-sinks") : new Properties(), Map.of(), sf));
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
        // upstream first, so each stage drains what the previous one acknowledged
        ingest.close();
        detect.close();
        sinks.close();
        if (broker != null) {
            broker.close();
        }
    }
}
