package io.yolostream.detector.service;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.yolostream.detector.ModelSource;
import io.yolostream.detector.YoloDetector;
import io.yolostream.detector.batch.CostModel;
import io.yolostream.detector.batch.FixedResolution;
import io.yolostream.detector.batch.ResolutionPolicy;
import io.yolostream.detector.model.ModelException;
import io.yolostream.detector.model.ModelInfo;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code yolostream detect} service. The constructor fails fast (bad model, unreachable broker, missing frames
 * topic), warms the model up, then starts the consumer loop on its own thread; {@link #close()} finishes the batch in
 * flight, commits, and closes consumer, producer, workers, HTTP and model in reverse order of opening.
 *
 * <pre>{@code
 * DetectConfig config = DetectConfig.resolve(fileProps, System.getenv(), flags);
 * try (DetectService service = new DetectService(config)) {
 *     service.awaitTermination();   // returns when closed (e.g. from a shutdown hook); throws if the loop failed
 * }
 * }</pre>
 */
public final class DetectService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DetectService.class);
    /**
     * ONNX Runtime's session creation and runs were seen to overflow a default 1 MB Java thread stack (SIGSEGV, no
     * hs_err) in a plain {@code java -cp} JVM; model work runs on threads with this much stack instead.
     */
    static final long NATIVE_STACK_BYTES = 16L << 20;
    /**
     * Prefixes of the names of the threads inference runs on: the loop, the model-open and warm-up threads this class
     * starts, and ONNX Runtime's pool threads, which inherit the name of the thread that opened the model (Linux shows
     * at most 15 characters of a name).
     */
    private static final List<String> INFERENCE_THREAD_PREFIXES = List.of("detector-loop", "detector-model",
            "detector-warm");

    private final YoloDetector detector;
    private final String modelId;
    private final PrometheusMeterRegistry registry;
    private final DetectMetrics metrics;
    private final DetectHttp http;
    private final BatchPreparer preparer;
    private final InferencePriority.Lease priority;
    private final KafkaConsumer<String, byte[]> consumer;
    private final DetectLoop loop;
    private final Thread thread;
    private final String policyName;
    private boolean closed;

    public DetectService(DetectConfig config) {
        this(config, KafkaSetup::producer);
    }

    /** With the transactional producers made by {@code producers} (tests hold a commit with it). */
    DetectService(DetectConfig config, java.util.function.Function<DetectConfig, Producer<String, byte[]>> producers) {
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            ModelSource source = config.modelSource();
            detector = onLargeStack("detector-model-open", () -> YoloDetector.builder(source).device(config.device())
                    .threads(config.get(DetectConfig.THREADS)).spinning(config.get(DetectConfig.ORT_SPINNING))
                    .preprocessor(config.preprocessor()).decode(config.decodeOptions()).open());
            opened.add(detector);
            modelId = DetectionRecords.modelId(detector.info(), onnxBytesIfNeeded(config, detector));
            KafkaSetup.checkAndCreateTopics(config);
            registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            opened.add(registry::close);
            metrics = new DetectMetrics(registry);
            CostModel costs = new CostModel(config.ladder(), config.get(DetectConfig.MAX_BATCH));
            ResolutionPolicy policy = config.policy(costs);
            policyName = policy.describe();
            onLargeStack("detector-warm-up", () -> {
                warmUp(detector, costs, policy, config);
                return null;
            });
            // after the warm-up, so that the model's threads exist and are named when the first scan runs
            priority = InferencePriority.acquire(config.backgroundPriority());
            opened.add(priority);
            // The detector's: the model's metadata may have replaced the configured one (face-api models).
            preparer = new BatchPreparer(detector.preprocessor(), config.workers(), config.get(DetectConfig.MAX_AGE_MS),
                    config.get(DetectConfig.REDUCED_DECODE));
            opened.add(preparer);
            Producer<String, byte[]> producer = producers.apply(config);
            opened.add(producer);
            try {
                producer.initTransactions();
            } catch (KafkaException e) {
                throw new DetectException("transactional producer " + config.transactionalId() + " on "
                        + config.get(DetectConfig.BOOTSTRAP_SERVERS) + ": expected initTransactions to succeed, found: "
                        + e, e);
            }
            consumer = KafkaSetup.consumer(config);
            opened.add(consumer);
            loop = new DetectLoop(config, detector, new DetectionRecords(modelId), metrics, policy, costs, consumer,
                    producer, () -> producers.apply(config), KafkaSetup.transactionTimeout(config), preparer,
                    priority.active());
            http = new DetectHttp(config.get(DetectConfig.HTTP_HOST), config.get(DetectConfig.HTTP_PORT), registry,
                    this::health);
            opened.add(http);
        } catch (RuntimeException e) {
            for (int i = opened.size() - 1; i >= 0; i--) {
                closeQuietly(opened.get(i));
            }
            throw e;
        }
        thread = new Thread(null, loop, "detector-loop", NATIVE_STACK_BYTES);
        thread.start();
        LOG.info("detector {} ({}, {}) reading {} as {}, resolution {}",
                config.instanceId(), modelId, detector.provider(), config.get(DetectConfig.FRAMES_TOPIC),
                config.transactionalId(), policyName);
    }

    /** True for a thread name (whole, or as /proc shows it) that a detector runs inference on. */
    public static boolean isInferenceThread(String threadName) {
        return INFERENCE_THREAD_PREFIXES.stream().anyMatch(threadName::startsWith);
    }

    /** Runs {@code work} on a fresh thread with a {@link #NATIVE_STACK_BYTES} stack and returns its result. */
    static <T> T onLargeStack(String name, java.util.function.Supplier<T> work) {
        java.util.concurrent.atomic.AtomicReference<T> result = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicReference<Throwable> error = new java.util.concurrent.atomic.AtomicReference<>();
        Thread t = new Thread(null, () -> {
            try {
                result.set(work.get());
            } catch (Throwable e) {
                error.set(e);
            }
        }, name, NATIVE_STACK_BYTES);
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DetectException(name + ": interrupted", e);
        }
        Throwable e = error.get();
        if (e instanceof RuntimeException r) {
            throw r;
        }
        if (e instanceof Error err) {
            throw err;
        }
        return result.get();
    }

    /** For models without a source hash: the ONNX file's bytes, whose sha256 names the model. */
    private static byte[] onnxBytesIfNeeded(DetectConfig config, YoloDetector detector) {
        String model = config.get(DetectConfig.MODEL).strip();
        if (!detector.info().sourceHash().isEmpty() || model.endsWith(".cfg")) {
            return null;
        }
        try {
            return Files.readAllBytes(Path.of(model));
        } catch (IOException e) {
            throw new ModelException("model " + model + ": cannot read it for its hash: " + e.getMessage(), e);
        }
    }

    /** Runs the cost model's plan once each so first batches do not pay for allocation; records the timings. */
    private static void warmUp(YoloDetector detector, CostModel costs, ResolutionPolicy policy, DetectConfig c) {
        List<CostModel.Run> plan = policy instanceof FixedResolution f
                ? List.of(new CostModel.Run(1, f.size()), new CostModel.Run(c.get(DetectConfig.MAX_BATCH), f.size()))
                : costs.warmUpPlan();
        CostModel.Run first = plan.get(0);
        detector.warmUp(first.batch(), first.size(), first.size()); // JIT and session allocation, not timed
        for (CostModel.Run run : plan) {
            long t0 = System.nanoTime();
            detector.warmUp(run.batch(), run.size(), run.size());
            costs.record(run.batch(), run.size(), (System.nanoTime() - t0) / 1e6);
        }
    }

    private Map<String, Object> health() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", loop.isRunning() ? "UP" : "DOWN");
        body.put("model", modelId);
        body.put("provider", detector.provider());
        body.put("resolution", policyName);
        Throwable f = loop.failure();
        if (f != null) {
            body.put("error", String.valueOf(f.getMessage()));
        }
        return body;
    }

    public int httpPort() {
        return http.port();
    }

    public String modelId() {
        return modelId;
    }

    /** The model's classes, anchors and (YOLO9000) WordTree, as it was opened. */
    public ModelInfo modelInfo() {
        return detector.info();
    }

    public DetectMetrics metrics() {
        return metrics;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** True while the consumer loop runs. */
    public boolean isRunning() {
        return loop.isRunning();
    }

    /** Blocks until the loop ends (after {@link #close()} or a fatal error); rethrows that error. */
    public void awaitTermination() throws InterruptedException {
        thread.join();
        Throwable f = loop.failure();
        if (f instanceof RuntimeException r) {
            throw r;
        }
        if (f != null) {
            throw new DetectException("detector loop failed: " + f, f);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        loop.stop();
        try {
            thread.join(120_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeQuietly(http);
        closeQuietly(consumer);
        closeQuietly(loop.producer()); // a new one when the broker fenced the first
        closeQuietly(preparer);
        closeQuietly(priority);
        closeQuietly(registry::close);
        closeQuietly(detector);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.warn("closing " + c + " failed: " + e);
        }
    }
}
