package io.yolostream.ingest.publish;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The publisher's Micrometer meters, per camera (tag {@code camera}); all names start with {@code ingest.publish}
 * so they cannot clash with the sources' meters. In Prometheus:
 * {@code ingest_publish_frames_total{camera,outcome=published|dropped|failed|reencoded}},
 * {@code ingest_publish_queue_depth{camera}}, {@code ingest_publish_in_flight{camera}} and
 * {@code ingest_publish_latency_seconds{camera}} (histogram of queue + send + acknowledgement time). A null
 * registry registers nothing.
 */
final class PublisherMeters {
    private static final Duration[] LATENCY_BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(30)};

    private final MeterRegistry registry;
    private final Map<String, Timer> latency = new ConcurrentHashMap<>();

    PublisherMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    void register(CameraState cam) {
        if (registry == null) {
            return;
        }
        counter(cam, "published", c -> c.published.get());
        counter(cam, "dropped", c -> c.queue.dropped());
        counter(cam, "failed", c -> c.failed.get());
        counter(cam, "reencoded", c -> c.reencoded.get());
        Gauge.builder("ingest.publish.queue.depth", cam, c -> c.queue.size()).tag("camera", cam.id)
                .description("frames waiting in the camera's publish queue").register(registry);
        Gauge.builder("ingest.publish.in.flight", cam, c -> c.inFlight.get()).tag("camera", cam.id)
                .description("records sent and not yet acknowledged").register(registry);
        latency.put(cam.id, Timer.builder("ingest.publish.latency").tag("camera", cam.id)
                .description("from queueing a frame to Kafka's acknowledgement")
                .serviceLevelObjectives(LATENCY_BUCKETS).register(registry));
    }

    void latency(CameraState cam, long nanos) {
        Timer t = latency.get(cam.id);
        if (t != null) {
            t.record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    private void counter(CameraState cam, String outcome, java.util.function.ToDoubleFunction<CameraState> f) {
        FunctionCounter.builder("ingest.publish.frames", cam, f).tag("camera", cam.id).tag("outcome", outcome)
                .description("frames by publishing outcome").register(registry);
    }
}
