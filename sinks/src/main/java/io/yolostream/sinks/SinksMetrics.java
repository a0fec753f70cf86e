package io.yolostream.sinks;

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
    private final Counter dlq;

    public SinksMetrics(MeterRegistry registry) {
        this.registry = registry;
        dlq = Counter.builder("yolostream.sinks.dlq").description("records sent to the DLQ topic (unreadable)")
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
