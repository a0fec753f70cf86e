package io.yolostream.detector.service;

import io.yolostream.config.ConfigException;
import io.yolostream.config.ConfigKey;
import io.yolostream.config.ConfigSchema;
import io.yolostream.config.ResolvedConfig;
import io.yolostream.config.ServiceKeys;
import io.yolostream.detector.ModelSource;
import io.yolostream.detector.batch.AdaptiveResolution;
import io.yolostream.detector.batch.CostModel;
import io.yolostream.detector.batch.ResolutionLadder;
import io.yolostream.detector.batch.ResolutionPolicies;
import io.yolostream.detector.batch.ResolutionPolicy;
import io.yolostream.detector.catalog.ModelPullLog;
import io.yolostream.detector.catalog.ModelRef;
import io.yolostream.detector.catalog.ModelStore;
import io.yolostream.detector.darknet.DarknetConverter;
import io.yolostream.detector.decode.DecodeOptions;
import io.yolostream.detector.decode.HierarchyMode;
import io.yolostream.detector.model.ModelException;
import io.yolostream.detector.model.ModelInfo;
import io.yolostream.detector.opencv.Preprocessors;
import io.yolostream.detector.preprocess.Preprocessor;
import io.yolostream.detector.runtime.Device;
import io.yolostream.wordtree.LabelNames;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The detect service's configuration: every key declared once here (flags {@code --key}, file {@code key},
 * environment {@code YOLOSTREAM_DETECT_KEY}). Kafka client overrides come from the file as {@code kafka.<property>}
 * and apply to the consumer and the producer alike.
 */
public final class DetectConfig {
    public static final ConfigKey<String> BOOTSTRAP_SERVERS = ServiceKeys.BOOTSTRAP_SERVERS;
    public static final ConfigKey<String> FRAMES_TOPIC = ConfigKey.string("frames-topic", "frames",
            "topic the frames are read from (must exist: ingest creates it)");
    public static final ConfigKey<String> DETECTIONS_TOPIC = ConfigKey.string("detections-topic", "detections",
            "topic of the detection records, one per frame (created like the frames topic when missing)");
    public static final ConfigKey<String> DLQ_TOPIC = ConfigKey.string("dlq-topic", "frames.dlq",
            "dead-letter topic for frames that cannot be read (created when missing)");
    public static final ConfigKey<String> GROUP_ID = ConfigKey.string("group-id", "yolostream-detector",
            "consumer group shared by all detector instances");
    public static final ConfigKey<String> INSTANCE_ID = ConfigKey.string("instance-id", "",
            "this instance's stable id, unique in the group (default: the host name); names its transactional id");
    public static final ConfigKey<String> TRANSACTIONAL_ID_PREFIX = ConfigKey.string("transactional-id-prefix",
            "yolostream-detector-", "transactional.id = this prefix + instance-id");
    public static final ConfigKey<String> MODEL = ConfigKey.string("model", null,
            "model: a name from `yolostream models list` (pulled into the cache on first use), a converted .onnx, "
                    + "or a darknet .cfg with weights (required)");
    public static final ConfigKey<String> WEIGHTS = ConfigKey.string("weights", null, "darknet .weights of a .cfg model");
    public static final ConfigKey<String> NAMES = ConfigKey.string("names", null,
            "class names file (a .cfg model, or to rename an .onnx model's classes)");
    public static final ConfigKey<String> TREE = ConfigKey.string("tree", null,
            "WordTree file of a YOLO9000 .cfg model (default: the cfg's tree= file)");
    public static final ConfigKey<String> ANCHORS = ConfigKey.string("anchors", null,
            "anchors of an .onnx model without yolostream metadata (w,h,...)");
    public static final ConfigKey<String> DEVICE = ConfigKey.string("device", "auto", "auto, cpu, cuda or cuda:N");
    public static final ConfigKey<Integer> THREADS = ConfigKey.integer("threads", 0, 0, 1024,
            "ONNX Runtime CPU threads; 0 = one per core");
    public static final ConfigKey<Integer> WORKERS = ConfigKey.integer("workers", 0, 0, 1024,
            "JPEG decode + preprocessing threads; 0 = one per core");
    public static final ConfigKey<String> PREPROCESS = ConfigKey.string("preprocess", "darknet",
            "darknet (exact letterbox; a face-api model's own padding) or opencv (faster resize)");
    public static final ConfigKey<Boolean> REDUCED_DECODE = ConfigKey.bool("reduced-decode", true,
            "decode JPEGs at 1/2, 1/4 or 1/8 scale (libjpeg's DCT scaling) when the batch's input size is that much"
                    + " smaller than the frame: a fraction of the decode cost, boxes still in frame pixels; false ="
                    + " always decode full frames (darknet's exact letterbox of the whole frame)");
    public static final ConfigKey<Boolean> ORT_SPINNING = ConfigKey.bool("ort-spinning", false,
            "let ONNX Runtime's idle intra-op threads spin (busy-wait) for work; off leaves those cores to the JPEG"
                    + " workers, which on few cores is faster end to end");
    public static final ConfigKey<String> PREPARE_OVERLAP = ConfigKey.string("prepare-overlap", "auto",
            "JPEG decode + letterbox of the next batch while this one infers: on, off, or auto (on when there are"
                    + " more cores than ONNX Runtime threads, on a GPU, or when background-priority lowers the workers)");
    public static final ConfigKey<String> BACKGROUND_PRIORITY = ConfigKey.string("background-priority", "nice:19",
            "Linux: how every thread of this JVM but inference runs (JPEG workers, Kafka clients, an in-process broker,"
                    + " ingest in the all-in-one, JIT, GC), so inference has the cores first and the rest fills its"
                    + " gaps: nice:N (1..19; at 19 they keep about 1.5 percent of a core inference wants), idle"
                    + " (SCHED_IDLE: only what inference leaves) or off. Never undone while the JVM runs; one per JVM");
    public static final ConfigKey<Integer> MAX_BATCH = ConfigKey.integer("max-batch", 8, 1, 256,
            "most frames in one inference batch");
    public static final ConfigKey<Integer> MAX_WAIT_MS = ConfigKey.integer("max-wait-ms", 50, 0, 60_000,
            "a batch runs when it is full or its first frame waited this long");
    public static final ConfigKey<String> RESOLUTION = ConfigKey.string("resolution", "adaptive",
            "input size per batch: adaptive, or fixed:N (N on the ladder)");
    public static final ConfigKey<String> LADDER = ConfigKey.string("ladder", "320..608",
            "input sizes the resolution policy chooses from: 320,416,608 or MIN..MAX[/STEP], multiples of 32");
    public static final ConfigKey<Integer> LATENCY_BUDGET_MS = ConfigKey.integer("latency-budget-ms", 1000, 1,
            3_600_000, "adaptive resolution keeps the oldest frame of a batch under this age");
    public static final ConfigKey<Integer> MAX_AGE_MS = ConfigKey.integer("max-age-ms", 10_000, 0, Integer.MAX_VALUE,
            "live frames older than this are not run but get a SKIPPED_STALE record (0 = never skip)");
    public static final ConfigKey<Double> THRESH = ConfigKey.decimal("thresh", 0.24, 0, 1,
            "objectness x class probability threshold");
    public static final ConfigKey<Double> HIER = ConfigKey.decimal("hier", 0.5, 0, 1, "WordTree walk threshold");
    public static final ConfigKey<Double> NMS = ConfigKey.decimal("nms", 0.45, 0, 1, "NMS IoU (0 = off)");
    public static final ConfigKey<String> HIER_MODE = ConfigKey.string("hier-mode", "darknet",
            "WordTree walk: darknet or conditional");
    public static final ConfigKey<Integer> HTTP_PORT = ServiceKeys.httpPort(8082, "/metrics and /health");
    public static final ConfigKey<String> HTTP_HOST = ServiceKeys.HTTP_HOST;
    public static final ConfigKey<Integer> STARTUP_TIMEOUT_MS = ServiceKeys.STARTUP_TIMEOUT_MS;
    public static final ConfigKey<Integer> REPLICATION = ServiceKeys.replicationFactor("the detections and DLQ topics");

    public static final ConfigSchema SCHEMA = new ConfigSchema("detect", List.of(BOOTSTRAP_SERVERS, FRAMES_TOPIC,
            DETECTIONS_TOPIC, DLQ_TOPIC, GROUP_ID, INSTANCE_ID, TRANSACTIONAL_ID_PREFIX, MODEL, WEIGHTS, NAMES, TREE,
            ANCHORS, DEVICE, THREADS, WORKERS, PREPROCESS, REDUCED_DECODE, ORT_SPINNING,
            PREPARE_OVERLAP, BACKGROUND_PRIORITY, MAX_BATCH, MAX_WAIT_MS, RESOLUTION, LADDER,
            LATENCY_BUDGET_MS, MAX_AGE_MS, THRESH, HIER, NMS, HIER_MODE, HTTP_PORT, HTTP_HOST, STARTUP_TIMEOUT_MS,
            REPLICATION), List.of("kafka."));

    private final ResolvedConfig values;
    private final Map<String, Object> kafkaOverrides;
    private final ResolutionLadder ladder;

    private DetectConfig(ResolvedConfig values, Map<String, Object> kafkaOverrides, ResolutionLadder ladder) {
        this.values = values;
        this.kafkaOverrides = Map.copyOf(kafkaOverrides);
        this.ladder = ladder;
    }

    /** Resolves defaults &lt; file &lt; environment &lt; flags; every problem reported at once. */
    public static DetectConfig resolve(Properties file, Map<String, String> env, Map<String, String> flags) {
        ResolvedConfig values = SCHEMA.resolve(file, env, flags);
        List<String> problems = new ArrayList<>();
        Map<String, Object> kafka = new LinkedHashMap<>();
        values.open().forEach((k, v) -> kafka.put(k.substring("kafka.".length()), v.strip()));
        if (blank(values.get(MODEL))) {
            problems.add("model: expected a model file (.onnx, or .cfg with weights), found none");
        }
        ResolutionLadder ladder = parseLadder(values.get(LADDER), problems);
        try {
            policy(values.get(RESOLUTION), ladder, new CostModel(ladder, values.get(MAX_BATCH)),
                    values.get(LATENCY_BUDGET_MS));
        } catch (IllegalArgumentException e) {
            problems.add("resolution: " + e.getMessage());
        }
        collect(problems, () -> Preprocessors.byName(values.get(PREPROCESS)));
        if (!List.of("auto", "on", "off").contains(values.get(PREPARE_OVERLAP).strip().toLowerCase(Locale.ROOT))) {
            problems.add("prepare-overlap: expected auto, on or off, found '" + values.get(PREPARE_OVERLAP) + "'");
        }
        if (InferencePriority.Setting.parse(values.get(BACKGROUND_PRIORITY)) == null) {
            problems.add("background-priority: expected idle, nice:N (N from 1 to 19) or off, found '"
                    + values.get(BACKGROUND_PRIORITY) + "'");
        }
        collect(problems, () -> Device.parse(values.get(DEVICE)));
        collect(problems, () -> HierarchyMode.parse(values.get(HIER_MODE)));
        if (!problems.isEmpty()) {
            throw new ConfigException("detect configuration has " + problems.size() + " problem"
                    + (problems.size() == 1 ? "" : "s") + ":\n  - " + String.join("\n  - ", problems));
        }
        return new DetectConfig(values, kafka, ladder);
    }

    static ResolutionLadder parseLadder(String text, List<String> problems) {
        try {
            return ResolutionLadder.parse(text);
        } catch (IllegalArgumentException e) {
            problems.add("ladder: " + e.getMessage());
            return ResolutionLadder.DEFAULT;
        }
    }

    private static void collect(List<String> problems, Runnable check) {
        try {
            check.run();
        } catch (ModelException e) {
            problems.add(e.getMessage());
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    public <T> T get(ConfigKey<T> key) {
        return values.get(key);
    }

    public String describe() {
        return values.describe();
    }

    /** Kafka client properties from {@code kafka.*} file entries. */
    public Map<String, Object> kafkaOverrides() {
        return kafkaOverrides;
    }

    public ResolutionLadder ladder() {
        return ladder;
    }

    /** The resolution policy of the {@code resolution} key, adaptive ones learning from {@code costs}. */
    public ResolutionPolicy policy(CostModel costs) {
        return policy(get(RESOLUTION), ladder, costs, get(LATENCY_BUDGET_MS));
    }

    private static ResolutionPolicy policy(String spec, ResolutionLadder ladder, CostModel costs, int budgetMs) {
        return ResolutionPolicies.parse(spec, ladder, costs,
                AdaptiveResolution.Settings.DEFAULTS.withLatencyBudgetMs(budgetMs));
    }

    public String instanceId() {
        String id = get(INSTANCE_ID);
        if (!blank(id)) {
            return id.strip();
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "detector";
        }
    }

    public String transactionalId() {
        return get(TRANSACTIONAL_ID_PREFIX) + instanceId();
    }

    public Device device() {
        return Device.parse(get(DEVICE));
    }

    /**
     * Whether the next batch is prepared while one infers. auto: with a core to spare beyond ONNX Runtime's threads,
     * when inference runs on a GPU (it leaves the cores free), or when the workers run below inference's priority
     * ({@code backgroundLowered}: they then use its idle gaps without stalling it).
     */
    public boolean prepareOverlap(boolean onGpu, boolean backgroundLowered) {
        String v = get(PREPARE_OVERLAP).strip().toLowerCase(Locale.ROOT);
        if (!v.equals("auto")) {
            return v.equals("on");
        }
        int cores = Runtime.getRuntime().availableProcessors();
        int threads = get(THREADS) > 0 ? get(THREADS) : cores;
        return onGpu || backgroundLowered || threads < cores;
    }

    /** The {@code background-priority} setting, checked when resolved. */
    InferencePriority.Setting backgroundPriority() {
        return InferencePriority.Setting.parse(get(BACKGROUND_PRIORITY));
    }

    public int workers() {
        int w = get(WORKERS);
        return w > 0 ? w : Runtime.getRuntime().availableProcessors();
    }

    public Preprocessor preprocessor() {
        return Preprocessors.byName(get(PREPROCESS));
    }

    public DecodeOptions decodeOptions() {
        return new DecodeOptions(get(THRESH).floatValue(), get(HIER).floatValue(), get(NMS).floatValue(),
                HierarchyMode.parse(get(HIER_MODE)));
    }

    public ModelSource modelSource() {
        Path model = ModelRef.resolve(get(MODEL), ModelStore::fromEnvironment, ModelPullLog.INSTANCE);
        boolean cfg = model.toString().endsWith(".cfg");
        ModelSource.Overrides overrides = ModelSource.Overrides.NONE;
        if (!cfg && (get(ANCHORS) != null || get(NAMES) != null)) {
            List<String> problems = new ArrayList<>();
            float[] a = get(ANCHORS) == null ? null : ModelInfo.parseFloats(get(ANCHORS), "anchors", problems);
            if (!problems.isEmpty()) {
                throw new ModelException(String.join("; ", problems));
            }
            overrides = new ModelSource.Overrides(a,
                    get(NAMES) == null ? null : LabelNames.read(Path.of(get(NAMES))), null);
        }
        return ModelSource.of(model, path(WEIGHTS), cfg ? path(NAMES) : null, path(TREE), overrides);
    }

    private Path path(ConfigKey<String> key) {
        String v = get(key);
        return blank(v) ? null : Path.of(v.strip());
    }
}
