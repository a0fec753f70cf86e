package io.yolostream.sinks.config;

import io.yolostream.config.ConfigException;
import io.yolostream.config.ConfigKey;
import io.yolostream.config.ConfigSchema;
import io.yolostream.config.ResolvedConfig;
import io.yolostream.config.ServiceKeys;
import io.yolostream.http.Binding;
import io.yolostream.sinks.common.Durations;
import io.yolostream.sinks.hierarchy.Hierarchy;
import io.yolostream.sinks.hierarchy.ModelClasses;
import io.yolostream.sinks.hierarchy.Subscription;
import io.yolostream.sinks.hierarchy.Subscriptions;
import io.yolostream.sinks.track.TrackerParams;
import io.yolostream.sinks.zones.ZoneException;
import io.yolostream.sinks.zones.ZoneJson;
import io.yolostream.sinks.zones.ZoneSpec;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * The sinks service's configuration: every key declared once here (flags {@code --key}, file {@code key},
 * environment {@code YOLOSTREAM_SINKS_KEY}); Kafka Streams overrides come from the file as {@code kafka.<property>}.
 * Resolving also loads the routing tree and map ({@link Hierarchy#load}) and resolves the subscriptions, so every
 * problem is reported at once.
 */
public final class SinksConfig {
    public static final ConfigKey<String> BOOTSTRAP_SERVERS = ServiceKeys.BOOTSTRAP_SERVERS;
    public static final ConfigKey<String> APPLICATION_ID = ConfigKey.string("application-id", "yolostream-sinks",
            "Kafka Streams application id (consumer group, prefix of internal topics); instances sharing it share "
                    + "the work");
    public static final ConfigKey<String> DETECTIONS_TOPIC = ConfigKey.string("detections-topic", "detections",
            "topic of the detector's records (one per frame, Avro Detection)");
    public static final ConfigKey<String> TOPIC_PREFIX = ConfigKey.string("topic-prefix", "detections",
            "routed topics are <topic-prefix>.<node>");
    public static final ConfigKey<String> COUNTS_TOPIC = ConfigKey.string("counts-topic", "detections.counts",
            "windowed per-camera counts per subscribed node (Avro NodeCount)");
    public static final ConfigKey<String> JSON_TOPIC = ConfigKey.string("json-topic", "detections.json",
            "JSON mirror of every detection record ('' = off)");
    public static final ConfigKey<String> HEALTH_TOPIC = ConfigKey.string("health-topic", "detections.health",
            "windowed per-camera frame counts by status (Avro CameraHealth)");
    public static final ConfigKey<String> DLQ_TOPIC = ConfigKey.string("dlq-topic", "detections.dlq",
            "dead-letter topic: unreadable detections records, raw, with a yolostream.dlq.reason header");
    public static final ConfigKey<String> FRAMES_TOPIC = ConfigKey.string("frames-topic", "frames",
            "ingest's frames topic (Avro Frame, JPEG): read to annotate and snapshot; same partitions as detections");
    public static final ConfigKey<String> ANNOTATED_TOPIC = ConfigKey.string("annotated-topic", "frames.annotated",
            "annotated frames (Avro Frame, the JPEG with boxes drawn) of the annotated cameras");
    public static final ConfigKey<String> ANNOTATE_CAMERAS = ConfigKey.string("annotate-cameras", "watched",
            "cameras whose frames are annotated: 'watched' (only while a browser shows the camera), '*' (all), "
                    + "a comma-separated list (plus the watched ones) or 'off' (frames never read unless snapshots)");
    public static final ConfigKey<String> ANNOTATE_WINDOW = ConfigKey.string("annotate-window", "5s",
            "how long (capture time) a frame waits for its detection and the other way round; later pairs are "
                    + "dropped and counted");
    public static final ConfigKey<String> WATCH_TTL = ConfigKey.string("watch-ttl", "30s",
            "a viewer of /cameras/ID turns annotation on for that camera for this long, renewed while it watches");
    public static final ConfigKey<String> SNAPSHOT_DIR = ConfigKey.string("snapshot-dir", "",
            "directory of the snapshot sink: the best frame per camera, label and window as JPEG + JSON ('' = off)");
    public static final ConfigKey<String> SNAPSHOT_WINDOW = ConfigKey.string("snapshot-window", "1m",
            "tumbling window (capture time) of the snapshot sink, e.g. 30s, 1m, 1h");
    public static final ConfigKey<String> SNAPSHOT_MAX_AGE = ConfigKey.string("snapshot-max-age", "7d",
            "snapshots older than this are deleted (checked every 30 s), e.g. 12h, 7d; 0 = kept by age");
    public static final ConfigKey<Integer> SNAPSHOT_MAX_MB = ConfigKey.integer("snapshot-max-mb", 1024, 0,
            Integer.MAX_VALUE, "the most MiB the snapshot directory keeps: the oldest snapshots go first; 0 = no limit");
    public static final ConfigKey<String> SUBSCRIBE = ConfigKey.string("subscribe", "",
            "WordTree nodes to route, comma-separated names or WordNet ids (e.g. dog,animal,n02121620)");
    public static final ConfigKey<String> TREE = ConfigKey.string("tree", null,
            "a YOLO9000 model's WordTree, whose node indices its records carry: a darknet .tree file, or 9k (the "
                    + "YOLO9000 tree shipped with yolostream); routes its records, by name or WordNet id (default: "
                    + "none, paths as the detector wrote them; in run/replay the model's own tree)");
    public static final ConfigKey<String> NAMES = ConfigKey.string("names", null,
            "names of the tree's nodes, one per line (e.g. 9k.names; default: the shipped names with tree 9k, else "
                    + "nodes are named by WordNet id)");
    public static final ConfigKey<String> MAP = ConfigKey.string("map", "auto",
            "places a flat model's classes on map-tree: voc, coco (built in), a 'label = node' file, none, or auto "
                    + "(the built-in map made for the model's class names, in run/replay where the model is known; "
                    + "none in the standalone sinks)");
    public static final ConfigKey<String> MAP_TREE = ConfigKey.string("map-tree", null,
            "the WordTree a map places classes on: 9k (the shipped YOLO9000 tree) or a darknet .tree file "
                    + "(default: tree when given, else 9k)");
    public static final ConfigKey<String> MAP_NAMES = ConfigKey.string("map-names", null,
            "names of map-tree's nodes, one per line (default: the shipped names for 9k)");
    public static final ConfigKey<String> WINDOW = ConfigKey.string("window", "1m",
            "tumbling window of counts and health, e.g. 30s, 1m, 1h, 500ms");
    public static final ConfigKey<String> GRACE = ConfigKey.string("grace", "10s",
            "how late (capture time) a record may arrive and still count; windows are written after end + grace");
    public static final ConfigKey<Integer> HTTP_PORT = ServiceKeys.httpPort(8083, "/counts, /metrics and /health");
    public static final ConfigKey<String> HTTP_HOST = ServiceKeys.HTTP_HOST;
    public static final ConfigKey<String> VIEWER_TOKEN = ServiceKeys.httpToken("viewer-token",
            "the live view and the JSON API (/, /cameras/..., /api/..., /counts): Authorization: Bearer, or the "
                    + "login cookie of a ?token= link or the login form");
    public static final ConfigKey<Integer> LIVE_MAX_VIEWERS = ConfigKey.integer("live-max-viewers", 32, 1, 1024,
            "MJPEG streams open at once at most, all cameras together (each holds a thread); more get 503");
    public static final ConfigKey<Integer> LIVE_MAX_VIEWERS_PER_CAMERA = ConfigKey.integer(
            "live-max-viewers-per-camera", 8, 1, 1024, "MJPEG streams of one camera open at once at most; more get 503");
    public static final ConfigKey<String> ADVERTISED_HOST = ConfigKey.string("advertised-host", "",
            "host other instances reach this one's /counts at (application.server; default: the host name)");
    public static final ConfigKey<String> STATE_DIR = ConfigKey.string("state-dir", "",
            "Kafka Streams state directory (default: <tmp>/kafka-streams)");
    public static final ConfigKey<Integer> THREADS = ConfigKey.integer("threads", 1, 1, 256, "stream threads");
    public static final ConfigKey<Integer> COMMIT_INTERVAL_MS = ConfigKey.integer("commit-interval-ms", 100, 1,
            3_600_000, "transaction commit interval (exactly-once v2): the latency of every output");
    public static final ConfigKey<Integer> REPLICATION =
            ServiceKeys.replicationFactor("the topics the sinks create (outputs, internal)");
    public static final ConfigKey<Integer> STARTUP_TIMEOUT_MS = ServiceKeys.STARTUP_TIMEOUT_MS;
    public static final ConfigKey<Boolean> TRACKING = ConfigKey.bool("tracking", true,
            "track objects across frames: tracks and events topics, zones and lines (see docs/tracking.md)");
    public static final ConfigKey<String> TRACKS_TOPIC = ConfigKey.string("tracks-topic", "tracks",
            "one record per frame with its tracks (Avro TrackFrame)");
    public static final ConfigKey<String> EVENTS_TOPIC = ConfigKey.string("events-topic", "events",
            "track events: started, ended, entered/left zone, crossed line, dwell (Avro TrackEvent)");
    public static final ConfigKey<String> TRACKS_JSON_TOPIC = ConfigKey.string("tracks-json-topic", "tracks.json",
            "JSON mirror of the tracks topic ('' = off)");
    public static final ConfigKey<String> EVENTS_JSON_TOPIC = ConfigKey.string("events-json-topic", "events.json",
            "JSON mirror of the events topic ('' = off)");
    public static final ConfigKey<String> ZONES_TOPIC = ConfigKey.string("zones-topic", "zones",
            "compacted topic of the cameras' zones and lines (Avro ZoneDefinition, key <camera>/<id>)");
    public static final ConfigKey<String> ZONES = ConfigKey.string("zones", null,
            "JSON file of zones and lines, written to the zones topic at start (see docs/tracking.md)");
    public static final ConfigKey<Double> TRACK_HIGH_SCORE = ConfigKey.decimal("track-high-score", 0.5, 0, 1,
            "detections from this score are matched first and may start tracks");
    public static final ConfigKey<Double> TRACK_LOW_SCORE = ConfigKey.decimal("track-low-score", 0.1, 0, 1,
            "detections from this score up to track-high-score only extend tracks (second association)");
    public static final ConfigKey<Integer> TRACK_CONFIRM_HITS = ConfigKey.integer("track-confirm-hits", 3, 1, 100,
            "matched frames that confirm a new track (it gets its id then)");
    public static final ConfigKey<String> TRACK_LOST_TIMEOUT = ConfigKey.string("track-lost-timeout", "3s",
            "capture time a track may go unmatched (LOST, predicted) before it ends");
    public static final ConfigKey<String> TRACK_IDLE_END = ConfigKey.string("track-idle-end", "10s",
            "wall-clock time without frames from a camera after which its tracks end (reason idle)");
    public static final ConfigKey<Double> TRACK_LABEL_THRESHOLD = ConfigKey.decimal("track-label-threshold", 0.6,
            0.5, 1, "support a WordTree node needs to be a track's label (above 0.5)");
    public static final ConfigKey<Double> TRACK_LABEL_HYSTERESIS = ConfigKey.decimal("track-label-hysteresis", 0.1,
            0, 0.5, "a track keeps its label until the support falls below threshold - hysteresis");
    public static final ConfigKey<Double> TRACK_LABEL_PRIOR = ConfigKey.decimal("track-label-prior", 1.0, 0, 1000,
            "frames of 'no evidence' every label support starts with (higher: labels deepen later)");

    public static final ConfigSchema SCHEMA = new ConfigSchema("sinks", List.of(BOOTSTRAP_SERVERS, APPLICATION_ID,
            DETECTIONS_TOPIC, TOPIC_PREFIX, COUNTS_TOPIC, JSON_TOPIC, HEALTH_TOPIC, DLQ_TOPIC, FRAMES_TOPIC,
            ANNOTATED_TOPIC, ANNOTATE_CAMERAS, ANNOTATE_WINDOW, WATCH_TTL, SNAPSHOT_DIR, SNAPSHOT_WINDOW,
            SNAPSHOT_MAX_AGE, SNAPSHOT_MAX_MB, SUBSCRIBE, TREE, NAMES, MAP, MAP_TREE, MAP_NAMES, WINDOW, GRACE,
            HTTP_PORT, HTTP_HOST, VIEWER_TOKEN, LIVE_MAX_VIEWERS, LIVE_MAX_VIEWERS_PER_CAMERA, ADVERTISED_HOST,
            STATE_DIR, THREADS, COMMIT_INTERVAL_MS, REPLICATION, STARTUP_TIMEOUT_MS, TRACKING, TRACKS_TOPIC,
            EVENTS_TOPIC, TRACKS_JSON_TOPIC, EVENTS_JSON_TOPIC, ZONES_TOPIC, ZONES, TRACK_HIGH_SCORE, TRACK_LOW_SCORE,
            TRACK_CONFIRM_HITS, TRACK_LOST_TIMEOUT, TRACK_IDLE_END, TRACK_LABEL_THRESHOLD, TRACK_LABEL_HYSTERESIS,
            TRACK_LABEL_PRIOR), List.of("kafka."));

    private final ResolvedConfig values;
    private final Map<String, Object> kafkaOverrides;
    private final Hierarchy hierarchy;
    private final List<Subscription> subscriptions;
    private final Duration window;
    private final Duration grace;
    private final Duration annotateWindow;
    private final Duration watchTtl;
    private final Duration snapshotWindow;
    private final Duration snapshotMaxAge;
    private final AnnotatedCameras annotatedCameras;
    private final TrackerParams trackerParams;
    private final Duration trackIdleEnd;
    private final List<ZoneSpec> configZones;

    private SinksConfig(ResolvedConfig values, Map<String, Object> kafka, Hierarchy hierarchy,
                        List<Subscription> subscriptions, Duration[] durations, AnnotatedCameras annotatedCameras,
                        TrackerParams trackerParams, List<ZoneSpec> configZones) {
        this.values = values;
        this.kafkaOverrides = Map.copyOf(kafka);
        this.hierarchy = hierarchy;
        this.subscriptions = subscriptions;
        this.window = durations[0];
        this.grace = durations[1];
        this.annotateWindow = durations[2];
        this.watchTtl = durations[3];
        this.snapshotWindow = durations[4];
        this.snapshotMaxAge = durations[5];
        this.annotatedCameras = annotatedCameras;
        this.trackerParams = trackerParams;
        this.trackIdleEnd = durations[7];
        this.configZones = List.copyOf(configZones);
    }

    /** Resolves defaults &lt; file &lt; environment &lt; flags; every problem reported at once. */
    public static SinksConfig resolve(Properties file, Map<String, String> env, Map<String, String> flags) {
        return resolve(file, env, flags, null);
    }

    /**
     * As {@link #resolve(Properties, Map, Map)}, for sinks that know the model whose detections they read (the
     * all-in-one): a YOLO9000 model's own tree routes its records and a flat model's names choose the map
     * ({@code map=auto}).
     */
    public static SinksConfig resolve(Properties file, Map<String, String> env, Map<String, String> flags,
                                      ModelClasses model) {
        ResolvedConfig values = SCHEMA.resolve(file, env, flags);
        List<String> problems = new ArrayList<>();
        Map<String, Object> kafka = new LinkedHashMap<>();
        values.open().forEach((k, v) -> kafka.put(k.substring("kafka.".length()), v.strip()));
        Duration window = duration(values.get(WINDOW), WINDOW, false, problems);
        Duration grace = duration(values.get(GRACE), GRACE, true, problems);
        Duration[] durations = {window, grace, duration(values.get(ANNOTATE_WINDOW), ANNOTATE_WINDOW, false, problems),
                duration(values.get(WATCH_TTL), WATCH_TTL, false, problems),
                duration(values.get(SNAPSHOT_WINDOW), SNAPSHOT_WINDOW, false, problems),
                duration(values.get(SNAPSHOT_MAX_AGE), SNAPSHOT_MAX_AGE, true, problems),
                duration(values.get(TRACK_LOST_TIMEOUT), TRACK_LOST_TIMEOUT, false, problems),
                duration(values.get(TRACK_IDLE_END), TRACK_IDLE_END, false, problems)};
        AnnotatedCameras annotated = AnnotatedCameras.parse(values.get(ANNOTATE_CAMERAS), problems);
        Set<String> own = new LinkedHashSet<>();
        Set<ConfigKey<String>> optional = Set.of(JSON_TOPIC, TRACKS_JSON_TOPIC, EVENTS_JSON_TOPIC);
        for (ConfigKey<String> k : List.of(DETECTIONS_TOPIC, COUNTS_TOPIC, HEALTH_TOPIC, DLQ_TOPIC, JSON_TOPIC,
                FRAMES_TOPIC, ANNOTATED_TOPIC, TRACKS_TOPIC, EVENTS_TOPIC, TRACKS_JSON_TOPIC, EVENTS_JSON_TOPIC,
                ZONES_TOPIC)) {
            String t = values.get(k).strip();
            if (t.isEmpty() && !optional.contains(k)) {
                problems.add(k.name() + ": expected a topic name, found ''");
            } else if (!t.isEmpty() && !own.add(t)) {
                problems.add(k.name() + ": expected a topic of its own, found '" + t + "' used by another key");
            }
            if (!t.matches("[a-zA-Z0-9._-]{0,249}")) {
                problems.add(k.name() + ": expected a Kafka topic name ([a-zA-Z0-9._-], at most 249), found '" + t
                        + "'");
            }
        }
        String prefix = values.get(TOPIC_PREFIX).strip();
        if (!prefix.matches("[a-zA-Z0-9._-]{1,200}")) {
            problems.add("topic-prefix: expected [a-zA-Z0-9._-], 1 to 200 characters, found '" + prefix + "'");
        }
        Hierarchy hierarchy = Hierarchy.load(new Hierarchy.Options(values.get(TREE), values.get(NAMES),
                values.get(MAP), values.get(MAP_TREE), values.get(MAP_NAMES)), model, problems);
        List<Subscription> subs = Subscriptions.resolve(Arrays.asList(values.get(SUBSCRIBE).split(",")), hierarchy,
                prefix, own, problems);
        double high = values.get(TRACK_HIGH_SCORE);
        List<String> trackProblems = TrackerParams.problems(high, values.get(TRACK_LOW_SCORE), Math.min(1, high + 0.1),
                values.get(TRACK_CONFIRM_HITS), TrackerParams.DEFAULTS.tentativeMaxMisses(), durations[6].toMillis(),
                values.get(TRACK_LABEL_THRESHOLD), values.get(TRACK_LABEL_HYSTERESIS), values.get(TRACK_LABEL_PRIOR),
                TrackerParams.DEFAULTS.maxTracks());
        problems.addAll(trackProblems);
        TrackerParams params = trackProblems.isEmpty() ? new TrackerParams(high, values.get(TRACK_LOW_SCORE),
                Math.min(1, high + 0.1), values.get(TRACK_CONFIRM_HITS), TrackerParams.DEFAULTS.tentativeMaxMisses(),
                durations[6].toMillis(), TrackerParams.DEFAULTS.gate(), TrackerParams.DEFAULTS.iouGate(),
                values.get(TRACK_LABEL_THRESHOLD), values.get(TRACK_LABEL_HYSTERESIS), values.get(TRACK_LABEL_PRIOR),
                TrackerParams.DEFAULTS.maxTracks()) : TrackerParams.DEFAULTS;
        List<ZoneSpec> zones = zones(values.get(ZONES), problems);
        String binding = Binding.problem(SCHEMA.service(), HTTP_HOST, values.get(HTTP_HOST), VIEWER_TOKEN,
                values.get(VIEWER_TOKEN));
        if (binding != null) {
            problems.add(binding);
        }
        if (!problems.isEmpty()) {
            throw new ConfigException("sinks configuration has " + problems.size() + " problem"
                    + (problems.size() == 1 ? "" : "s") + ":\n  - " + String.join("\n  - ", problems));
        }
        return new SinksConfig(values, kafka, hierarchy, subs, durations, annotated, params, zones);
    }

    private static List<ZoneSpec> zones(String file, List<String> problems) {
        if (file == null || file.isBlank()) {
            return List.of();
        }
        try {
            return ZoneJson.parseList(Files.readAllBytes(Path.of(file.strip())), "zones file " + file.strip());
        } catch (IOException e) {
            problems.add("zones: expected a readable JSON file of zones, found '" + file + "' (" + e + ")");
        } catch (ZoneException e) {
            problems.add("zones: " + e.getMessage());
        }
        return List.of();
    }

    /** Flags only (tests, embedding): {@code of("subscribe", "dog,animal", "tree", "9k.tree")}. */
    public static SinksConfig of(String... keyValues) {
        Map<String, String> flags = new LinkedHashMap<>();
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            flags.put(keyValues[i], keyValues[i + 1]);
        }
        return resolve(new Properties(), Map.of(), flags);
    }

    /** {@code 90s}, {@code 1m}, {@code 500ms}, {@code 2h}, {@code 1d}; a bare number is milliseconds. */
    static Duration duration(String text, ConfigKey<String> key, boolean zeroOk, List<String> problems) {
        Duration d = Durations.parse(text);
        if (d != null && (zeroOk || !d.isZero())) {
            return d;
        }
        problems.add(key.name() + ": expected a duration like 30s, 1m, 500ms" + (zeroOk ? " or 0" : " (above 0)")
                + ", found '" + text + "'");
        return Duration.ofMinutes(1);
    }

    public <T> T get(ConfigKey<T> key) {
        return values.get(key);
    }

    public String describe() {
        return values.describe();
    }

    public Map<String, Object> kafkaOverrides() {
        return kafkaOverrides;
    }

    public Hierarchy hierarchy() {
        return hierarchy;
    }

    public List<Subscription> subscriptions() {
        return subscriptions;
    }

    public Duration window() {
        return window;
    }

    public Duration grace() {
        return grace;
    }

    public Duration annotateWindow() {
        return annotateWindow;
    }

    public Duration watchTtl() {
        return watchTtl;
    }

    public Duration snapshotWindow() {
        return snapshotWindow;
    }

    /** Snapshots older than this are deleted; zero = kept by age. */
    public Duration snapshotMaxAge() {
        return snapshotMaxAge;
    }

    /** The most bytes the snapshot directory keeps; 0 = no limit. */
    public long snapshotMaxBytes() {
        return get(SNAPSHOT_MAX_MB) * 1024L * 1024L;
    }

    public AnnotatedCameras annotatedCameras() {
        return annotatedCameras;
    }

    /** Empty when the snapshot sink is off. */
    public String snapshotDir() {
        return get(SNAPSHOT_DIR).strip();
    }

    /** Whether the topology reads the frames topic: some camera may be annotated, or snapshots are on. */
    public boolean readsFrames() {
        return !annotatedCameras.off() || !snapshotDir().isEmpty();
    }

    public String framesTopic() {
        return get(FRAMES_TOPIC).strip();
    }

    public String annotatedTopic() {
        return get(ANNOTATED_TOPIC).strip();
    }

    public String detectionsTopic() {
        return get(DETECTIONS_TOPIC).strip();
    }

    public String countsTopic() {
        return get(COUNTS_TOPIC).strip();
    }

    /** Empty when the JSON mirror is off. */
    public String jsonTopic() {
        return get(JSON_TOPIC).strip();
    }

    public String healthTopic() {
        return get(HEALTH_TOPIC).strip();
    }

    public String dlqTopic() {
        return get(DLQ_TOPIC).strip();
    }

    public boolean tracking() {
        return get(TRACKING);
    }

    public TrackerParams trackerParams() {
        return trackerParams;
    }

    public Duration trackIdleEnd() {
        return trackIdleEnd;
    }

    /** The zones of the {@code zones} file (written to the zones topic at start). */
    public List<ZoneSpec> configZones() {
        return configZones;
    }

    public String tracksTopic() {
        return get(TRACKS_TOPIC).strip();
    }

    public String eventsTopic() {
        return get(EVENTS_TOPIC).strip();
    }

    /** Empty when off. */
    public String tracksJsonTopic() {
        return get(TRACKS_JSON_TOPIC).strip();
    }

    /** Empty when off. */
    public String eventsJsonTopic() {
        return get(EVENTS_JSON_TOPIC).strip();
    }

    public String zonesTopic() {
        return get(ZONES_TOPIC).strip();
    }

    /**
     * Every topic the sinks write (routed, counts, JSON, health, DLQ, annotated frames when annotating, tracks and
     * events when tracking); the compacted zones topic is created apart ({@link #zonesTopic()}).
     */
    public List<String> outputTopics() {
        List<String> t = new ArrayList<>();
        subscriptions.forEach(s -> t.add(s.topic()));
        t.add(countsTopic());
        if (!jsonTopic().isEmpty()) {
            t.add(jsonTopic());
        }
        t.add(healthTopic());
        t.add(dlqTopic());
        if (!annotatedCameras.off()) {
            t.add(annotatedTopic());
        }
        if (tracking()) {
            t.add(tracksTopic());
            t.add(eventsTopic());
            if (!tracksJsonTopic().isEmpty()) {
                t.add(tracksJsonTopic());
            }
            if (!eventsJsonTopic().isEmpty()) {
                t.add(eventsJsonTopic());
            }
        }
        return t;
    }

    public String advertisedHost() {
        String h = get(ADVERTISED_HOST).strip();
        if (!h.isEmpty()) {
            return h;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
