package io.yolostream.sinks.common;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.yolostream.detector.avro.Detection;
import io.yolostream.sinks.avro.RoutedDetection;

import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sinks' own meters, next to Kafka Streams' (bound by the service). Counted as records pass the topology, so a
 * transaction that aborts and is redone counts its records again: these are rates to watch, not exact totals (the
 * topics are exact).
 */
public final class SinksMetrics {
    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, Counter> detections = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> routed = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> annotated = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> annotateDropped = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> snapshots = new ConcurrentHashMap<>();
    private final Counter dlq;
    private final Counter threadsReplaced;

    public SinksMetrics(MeterRegistry registry) {
        this.registry = registry;
        dlq = Counter.builder("yolostream.sinks.dlq").description("records sent to the DLQ topic (unreadable)")
                .register(registry);
        threadsReplaced = Counter.builder("yolostream.sinks.threads.replaced")
                .description("stream threads replaced after a Kafka transaction error (a broker lost under them)")
                .register(registry);
    }

    /** Meters kept in memory only (tests, topologies built without a service). */
    public static SinksMetrics inMemory() {
        return new SinksMetrics(new SimpleMeterRegistry());
    }

    public MeterRegistry registry() {
        return registry;
    }

    public void detection(String key, Detection d) {
        String camera = d.getCameraId();
        String status = d.getStatus().name().toLowerCase(Locale.ROOT);
        detections.computeIfAbsent(camera + '\u0000' + status, k -> Counter.builder("yolostream.sinks.detections")
                .tag("camera", camera).tag("status", status)
                .description("detection records read, by camera and status").register(registry)).increment();
    }

    public void routed(String key, RoutedDetection r) {
        String topic = r.getNode().getTopic();
        routed.computeIfAbsent(topic, t -> Counter.builder("yolostream.sinks.routed").tag("topic", t)
                .description("objects routed, by topic").register(registry)).increment();
    }

    /** A frame annotated (written to the annotated topic and shown by the live view). */
    public void annotated(String camera) {
        annotated.computeIfAbsent(camera, k -> Counter.builder("yolostream.sinks.annotated").tag("camera", camera)
                .description("frames annotated, by camera").register(registry)).increment();
    }

    /**
     * A frame or detection the annotator could not pair: side frame|detection, reason late (older than
     * annotate-window on arrival), unmatched (its partner did not come within the window), overflow (too many
     * waiting for one camera) or unreadable (a frame that is not a decodable JPEG).
     */
    public void annotateDropped(String side, String reason) {
        annotateDropped.computeIfAbsent(side + '\u0000' + reason, k -> Counter
                .builder("yolostream.sinks.annotate.dropped").tag("side", side).tag("reason", reason)
                .description("frames/detections the annotator dropped unpaired, by side and reason")
                .register(registry)).increment();
    }

    public double annotateDroppedCount(String side, String reason) {
        Counter c = annotateDropped.get(side + '\u0000' + reason);
        return c == null ? 0 : c.count();
    }

    public double annotatedCount(String camera) {
        Counter c = annotated.get(camera);
        return c == null ? 0 : c.count();
    }

    /** A snapshot (JPEG + JSON) written. */
    public void snapshot(String camera) {
        snapshots.computeIfAbsent(camera, k -> Counter.builder("yolostream.sinks.snapshots").tag("camera", camera)
                .description("snapshots written, by camera").register(registry)).increment();
    }

    /** The live view's open streams, as a gauge. */
    public void viewers(java.util.function.IntSupplier open) {
        io.micrometer.core.instrument.Gauge.builder("yolostream.sinks.viewers", open::getAsInt)
                .description("browsers streaming a camera from the live view").register(registry);
    }

    /** A stream thread that died on a Kafka transaction error was replaced ({@code StreamThreadFailures}). */
    public void threadReplaced() {
        threadsReplaced.increment();
    }

    public double threadsReplaced() {
        return threadsReplaced.count();
    }

    public void dlq(String reason) {
        dlq.increment();
    }

    public double routedCount(String topic) {
        Counter c = routed.get(topic);
        return c == null ? 0 : c.count();
    }

    public double dlqCount() {
        return dlq.count();
    }
}
