package io.yolostream.ingest.service;

import io.yolostream.config.ConfigException;
import io.yolostream.config.ConfigKey;
import io.yolostream.config.ConfigSchema;
import io.yolostream.config.ResolvedConfig;
import io.yolostream.config.ServiceKeys;
import io.yolostream.http.Binding;
import io.yolostream.ingest.IngestException;
import io.yolostream.ingest.publish.PublisherConfig;
import io.yolostream.ingest.source.CameraSpec;
import io.yolostream.ingest.source.CameraUrl;
import io.yolostream.ingest.source.CameraUrlPolicy;
import io.yolostream.ingest.source.ReconnectPolicy;
import io.yolostream.ingest.source.RtspTransport;
import io.yolostream.ingest.source.VideoSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The ingest service's configuration: every key declared once here. Cameras come from the config file as
 * {@code camera.<id>.url}, {@code camera.<id>.fps}, {@code camera.<id>.max-width}, {@code camera.<id>.max-height},
 * {@code camera.<id>.quality}, {@code camera.<id>.transport} (all but the url default to the {@code default-*} keys
 * and {@code rtsp-transport}); Kafka client overrides as
 * {@code kafka.<client property>}.
 */
public final class IngestConfig {
    public static final ConfigKey<String> BOOTSTRAP_SERVERS = ServiceKeys.BOOTSTRAP_SERVERS;
    public static final ConfigKey<String> TOPIC = ConfigKey.string("topic", PublisherConfig.DEFAULT_TOPIC,
            "topic the frames are published to (created when missing)");
    public static final ConfigKey<Integer> PARTITIONS = ConfigKey.integer("partitions", 6, 1, 10_000,
            "partitions of the frames topic when ingest creates it (= the most detector instances that can share it)");
    public static final ConfigKey<Integer> REPLICATION = ServiceKeys.replicationFactor("the frames topic");
    public static final ConfigKey<Integer> HTTP_PORT = ServiceKeys.httpPort(8081, "the control API, /metrics and /health");
    public static final ConfigKey<String> HTTP_HOST = ServiceKeys.HTTP_HOST;
    public static final ConfigKey<String> API_TOKEN = ServiceKeys.httpToken("api-token",
            "the control API's camera routes (Authorization: Bearer)");
    public static final ConfigKey<Integer> QUEUE_CAPACITY = ConfigKey.integer("queue-capacity", 50, 1, 100_000,
            "live frames queued per camera while Kafka is slow; beyond it the oldest are dropped and counted");
    public static final ConfigKey<Integer> RTSP_TIMEOUT_MS = ConfigKey.integer("rtsp-timeout-ms", 5000, 100, 600_000,
            "a stalled RTSP read fails after this long (ffmpeg 'timeout'), and the camera reconnects");
    public static final ConfigKey<String> RTSP_TRANSPORT = new ConfigKey<>("rtsp-transport", String.class,
            RtspTransport.TCP.value(), "how RTSP cameras carry their media unless the camera says otherwise: tcp"
            + " (interleaved in the RTSP connection), udp, udp_multicast, http (RTSP tunnelled in HTTP), or auto (tcp,"
            + " then udp when the server answers 461 Unsupported transport)",
            v -> RtspTransport.problem(v) == null ? null : "one of " + String.join(", ", RtspTransport.VALUES), false);
    public static final ConfigKey<Integer> BACKOFF_MAX_MS = ConfigKey.integer("reconnect-max-backoff-ms", 30_000, 100,
            3_600_000, "longest wait between reconnect attempts (exponential backoff with jitter, from 0.5 s)");
    public static final ConfigKey<Double> DEFAULT_FPS = ConfigKey.decimal("default-fps", 5, 0, 240,
            "frames per second published per camera unless the camera says otherwise (0 = every frame)");
    public static final ConfigKey<Integer> DEFAULT_MAX_WIDTH = ConfigKey.integer("default-max-width", 1280, 0, 16384,
            "frames wider than this are resized down (aspect kept); 0 = never");
    public static final ConfigKey<Integer> DEFAULT_MAX_HEIGHT = ConfigKey.integer("default-max-height", 720, 0, 16384,
            "frames taller than this are resized down (aspect kept); 0 = never");
    public static final ConfigKey<Integer> DEFAULT_QUALITY = ConfigKey.integer("default-quality", 85, 1, 100,
            "JPEG quality unless the camera says otherwise");

    public static final ConfigKey<Integer> FRAMES_RETENTION_MINUTES = ConfigKey.integer("frames-retention-minutes",
            0, 0, Integer.MAX_VALUE, "how long the frames topic keeps frames (retention.ms), set on the topic;"
                    + " 0 = the topic's own (the broker's default); the all-in-one sets 60");
    public static final ConfigKey<Integer> FRAMES_RETENTION_MB = ConfigKey.integer("frames-retention-mb", 0, 0,
            Integer.MAX_VALUE, "the most MiB the whole frames topic keeps (retention.bytes per partition = this /"
                    + " partitions), set on the topic; 0 = the topic's own (unbounded by default); the all-in-one sets"
                    + " 2048");
    // what a camera URL may be (docs/data-safety.md): the allowlist checked before ffmpeg opens anything
    public static final ConfigKey<String> CAMERA_SCHEMES = new ConfigKey<>(CameraUrlPolicy.SCHEMES_KEY, String.class,
            String.join(",", CameraUrlPolicy.DEFAULT_SCHEMES), "URL schemes cameras may use, comma-separated, among "
            + String.join(", ", CameraUrl.SCHEMES) + " (add http/https/rtmp only for MJPEG, HLS or RTMP cameras)",
            CameraUrlPolicy::schemesProblem, false);
    public static final ConfigKey<String> CAMERA_FILE_DIRS = ConfigKey.string(CameraUrlPolicy.FILE_DIRS_KEY, "",
            "directories whose video files the control API may add as cameras, comma-separated (none: no local files"
                    + " through the API; files named in the config or on the command line are always accepted)");
    public static final ConfigKey<Boolean> CAMERA_ALLOW_LOCAL_HOSTS = ConfigKey.bool(CameraUrlPolicy.LOCAL_HOSTS_KEY,
            false, "let http/https/rtmp cameras be on loopback or link-local addresses (this machine's own services,"
                    + " cloud metadata at 169.254.169.254)");

    public static final ConfigSchema SCHEMA = new ConfigSchema("ingest", List.of(BOOTSTRAP_SERVERS, TOPIC, PARTITIONS,
            REPLICATION, HTTP_PORT, HTTP_HOST, API_TOKEN, QUEUE_CAPACITY, RTSP_TIMEOUT_MS, RTSP_TRANSPORT, BACKOFF_MAX_MS, DEFAULT_FPS,
            DEFAULT_MAX_WIDTH, DEFAULT_MAX_HEIGHT, DEFAULT_QUALITY, FRAMES_RETENTION_MINUTES, FRAMES_RETENTION_MB,
            CAMERA_SCHEMES, CAMERA_FILE_DIRS, CAMERA_ALLOW_LOCAL_HOSTS), List.of("camera.", "kafka."));

    private static final List<String> CAMERA_FIELDS = List.of("url", "fps", "max-width", "max-height", "quality",
            "transport");

    private final ResolvedConfig values;
    private final List<CameraSpec> cameras;
    private final Map<String, Object> kafkaOverrides;

    private IngestConfig(ResolvedConfig values, List<CameraSpec> cameras, Map<String, Object> kafkaOverrides) {
        this.values = values;
        this.cameras = List.copyOf(cameras);
        this.kafkaOverrides = Map.copyOf(kafkaOverrides);
    }

    /** Resolves defaults &lt; file &lt; environment &lt; flags and the cameras; every problem reported at once. */
    public static IngestConfig resolve(Properties file, Map<String, String> env, Map<String, String> flags) {
        ResolvedConfig values = SCHEMA.resolve(file, env, flags);
        List<String> problems = new ArrayList<>();
        Map<String, Map<String, String>> byCamera = new TreeMap<>();
        Map<String, Object> kafka = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : values.open().entrySet()) {
            String key = e.getKey();
            if (key.startsWith("kafka.")) {
                kafka.put(key.substring("kafka.".length()), e.getValue().strip());
                continue;
            }
            String rest = key.substring("camera.".length());
            int dot = rest.lastIndexOf('.');
            String field = dot < 0 ? "" : rest.substring(dot + 1);
            if (dot <= 0 || !CAMERA_FIELDS.contains(field)) {
                problems.add("config file: '" + key + "' expected camera.<id>.<field> with field one of "
                        + CAMERA_FIELDS);
                continue;
            }
            byCamera.computeIfAbsent(rest.substring(0, dot), id -> new LinkedHashMap<>()).put(field, e.getValue());
        }
        List<CameraSpec> cameras = new ArrayList<>();
        CameraUrlPolicy policy = policy(values);
        for (Map.Entry<String, Map<String, String>> cam : byCamera.entrySet()) {
            try {
                cameras.add(camera(cam.getKey(), cam.getValue(), values, policy, CameraUrlPolicy.Origin.OPERATOR));
            } catch (IngestException | NumberFormatException e) {
                problems.add("camera " + cam.getKey() + ": " + e.getMessage());
            }
        }
        String binding = Binding.problem(SCHEMA.service(), HTTP_HOST, values.get(HTTP_HOST), API_TOKEN,
                values.get(API_TOKEN));
        if (binding != null) {
            problems.add(binding);
        }
        if (!problems.isEmpty()) {
            throw new ConfigException("ingest configuration has " + problems.size() + " problem"
                    + (problems.size() == 1 ? "" : "s") + ":\n  - " + String.join("\n  - ", problems));
        }
        return new IngestConfig(values, cameras, kafka);
    }

    private static CameraUrlPolicy policy(ResolvedConfig values) {
        return CameraUrlPolicy.of(values.get(CAMERA_SCHEMES), values.get(CAMERA_FILE_DIRS),
                values.get(CAMERA_ALLOW_LOCAL_HOSTS));
    }

    /** A camera from its fields (file entries or the control API), defaults from the config, URL checked. */
    static CameraSpec camera(String id, Map<String, String> fields, ResolvedConfig values, CameraUrlPolicy policy,
                             CameraUrlPolicy.Origin origin) {
        String url = fields.get("url");
        if (url == null) {
            throw new IngestException("expected a url, found none");
        }
        CameraSpec spec = new CameraSpec(id, url.strip(),
                fields.containsKey("fps") ? Double.parseDouble(fields.get("fps").strip()) : values.get(DEFAULT_FPS),
                intField(fields, "max-width", values.get(DEFAULT_MAX_WIDTH)),
                intField(fields, "max-height", values.get(DEFAULT_MAX_HEIGHT)),
                intField(fields, "quality", values.get(DEFAULT_QUALITY)),
                RtspTransport.parse(fields.getOrDefault("transport", values.get(RTSP_TRANSPORT))));
        policy.check(id, spec.url(), spec.transport(), origin);
        return spec;
    }

    private static int intField(Map<String, String> fields, String name, int fallback) {
        String v = fields.get(name);
        return v == null ? fallback : Integer.parseInt(v.strip());
    }

    public <T> T get(ConfigKey<T> key) {
        return values.get(key);
    }

    public List<CameraSpec> cameras() {
        return cameras;
    }

    /**
     * A camera added through the control API: defaults for the fields it leaves out, and its URL checked against
     * the allowlist for the API (no local files unless {@code camera-file-dirs} names their directory).
     */
    public CameraSpec camera(String id, Map<String, String> fields) {
        return camera(id, fields, values, cameraPolicy(), CameraUrlPolicy.Origin.API);
    }

    /** The camera URL allowlist of this configuration. */
    public CameraUrlPolicy cameraPolicy() {
        return policy(values);
    }

    public String describe() {
        return values.describe();
    }

    public PublisherConfig publisherConfig() {
        int maxW = Math.max(get(DEFAULT_MAX_WIDTH), cameras.stream().mapToInt(CameraSpec::maxWidth).max().orElse(0));
        int maxH = Math.max(get(DEFAULT_MAX_HEIGHT), cameras.stream().mapToInt(CameraSpec::maxHeight).max().orElse(0));
        // unlimited cameras (0) may send up to 4K; size requests for that
        if (maxW == 0 || cameras.stream().anyMatch(c -> c.maxWidth() == 0)) {
            maxW = 3840;
        }
        if (maxH == 0 || cameras.stream().anyMatch(c -> c.maxHeight() == 0)) {
            maxH = 2160;
        }
        return PublisherConfig.defaults(get(BOOTSTRAP_SERVERS))
                .withTopic(get(TOPIC))
                .withPartitions(get(PARTITIONS), get(REPLICATION).shortValue())
                .withMaxFrameSize(maxW, maxH)
                .withQueue(get(QUEUE_CAPACITY), PublisherConfig.defaults("x").maxInFlight())
                .withClientOverrides(kafkaOverrides)
                .withRetention(get(FRAMES_RETENTION_MINUTES) * 60_000L, get(FRAMES_RETENTION_MB) * 1024L * 1024L);
    }

    public VideoSource.Options sourceOptions() {
        return VideoSource.Options.defaults().withTimeout(Duration.ofMillis(get(RTSP_TIMEOUT_MS)));
    }

    public ReconnectPolicy reconnectPolicy() {
        ReconnectPolicy d = ReconnectPolicy.defaults();
        return new ReconnectPolicy(d.initial(), Duration.ofMillis(get(BACKOFF_MAX_MS)), d.healthyAfter());
    }
}
