package io.yolostream.detector.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.yolostream.detector.avro.DetectionStatus;

import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The detector's meters. Frames are counted per camera and status ({@code yolostream_detector_frames_total}), so
 * Prometheus' {@code rate()} gives processed vs skipped frames/s per camera.
 */
public final class DetectMetrics {
    private final MeterRegistry registry;
    private final DistributionSummary batchSize;
    private final AtomicLong resolution = new AtomicLong();
    private final AtomicLong lag = new AtomicLong();
    private final AtomicLong assigned = new AtomicLong();
    private final Timer jpegDecode;
    private final Timer preprocess;
    private final Timer inference;
    private final Timer decode;
    private final Timer transaction;
    private final Counter aborts;
    private final Counter producerRestarts;
    private final ConcurrentHashMap<String, Counter> frames = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> errors = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Integer, Counter> batchesBySize = new ConcurrentHashMap<>();

    public DetectMetrics(MeterRegistry registry) {
        this.registry = registry;
        batchSize = DistributionSummary.builder("yolostream.detector.batch.size")
                .description("frames per inference batch").publishPercentiles(0.5, 0.95).register(registry);
        Gauge.builder("yolostream.detector.resolution", resolution, AtomicLong::get)
                .description("input size chosen for the last batch").register(registry);
        Gauge.builder("yolostream.detector.consumer.lag", lag, AtomicLong::get)
                .description("frames records not yet read on the assigned partitions").register(registry);
        Gauge.builder("yolostream.detector.partitions", assigned, AtomicLong::get)
                .description("frames partitions assigned to this instance").register(registry);
        jpegDecode = timer("jpeg.decode", "JPEG decode of a batch (wall time on the worker pool)");
        preprocess = timer("preprocess", "letterbox of a batch (wall time on the worker pool)");
        inference = timer("inference", "inference of a batch");
        decode = timer("decode", "region decoding of a batch");
        transaction = timer("transaction", "send + commit of a transaction (the batches inferred while the"
                + " previous one committed)");
        aborts = Counter.builder("yolostream.detector.transaction.aborts")
                .description("transactions aborted (the frames are read again)").register(registry);
        producerRestarts = Counter.builder("yolostream.detector.producer.restarts")
                .description("transactional producers replaced after the broker fenced one (a transaction outlived"
                        + " the transaction timeout: the process was paused or cut off from Kafka)")
                .register(registry);
    }

    private Timer timer(String name, String doc) {
        return Timer.builder("yolostream.detector." + name).description(doc).publishPercentiles(0.5, 0.95)
                .register(registry);
    }

    public void batch(int size, int inputSize) {
        batchSize.record(size);
        resolution.set(inputSize);
        batchesBySize.computeIfAbsent(inputSize, s -> Counter.builder("yolostream.detector.batches")
                .tag("resolution", Integer.toString(s)).description("batches run, by input size")
                .register(registry)).increment();
    }

    public void stageNanos(long jpegNanos, long preNanos, long inferNanos, long decodeNanos) {
        jpegDecode.record(jpegNanos, TimeUnit.NANOSECONDS);
        preprocess.record(preNanos, TimeUnit.NANOSECONDS);
        inference.record(inferNanos, TimeUnit.NANOSECONDS);
        decode.record(decodeNanos, TimeUnit.NANOSECONDS);
    }

    public void transactionNanos(long nanos) {
        transaction.record(nanos, TimeUnit.NANOSECONDS);
    }

    public void aborted() {
        aborts.increment();
    }

    public void producerRestarted() {
        producerRestarts.increment();
    }

    /** Batches inferred so far (for tests). */
    public long batches() {
        return batchSize.count();
    }

    /** Producers replaced so far (for tests). */
    public double producerRestarts() {
        return producerRestarts.count();
    }

    /** One frame record written, by camera and status. */
    public void frame(String camera, DetectionStatus status) {
        String key = camera + '\u0000' + status;
        frames.computeIfAbsent(key, k -> Counter.builder("yolostream.detector.frames")
                .tag("camera", camera).tag("status", status.name().toLowerCase(Locale.ROOT))
                .description("detection records written, by camera and status").register(registry)).increment();
    }

    /** An error by kind: undecodable-jpeg, unreadable-value, transaction, ... */
    public void error(String kind) {
        errors.computeIfAbsent(kind, k -> Counter.builder("yolostream.detector.errors").tag("kind", k)
                .description("errors by kind").register(registry)).increment();
    }

    public void lag(long value) {
        lag.set(value);
    }

    public void assigned(int partitions) {
        assigned.set(partitions);
    }

    /** Frames partitions assigned now. */
    public long partitions() {
        return assigned.get();
    }

    /** Frames counted for a camera and status so far (for tests and the health page). */
    public double frames(String camera, DetectionStatus status) {
        Counter c = frames.get(camera + '\u0000' + status);
        return c == null ? 0 : c.count();
    }
}
