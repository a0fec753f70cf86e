package io.yolostream.sinks.topology;

import io.yolostream.detector.avro.Detection;
import io.yolostream.sinks.annotate.AnnotateSelection;
import io.yolostream.sinks.annotate.Watchers;
import io.yolostream.sinks.common.DetectionStream;
import io.yolostream.sinks.common.SinksMetrics;
import io.yolostream.sinks.common.SinksSerdes;
import io.yolostream.sinks.config.SinksConfig;
import io.yolostream.sinks.counts.CountsTopology;
import io.yolostream.sinks.dlq.DlqHandler;
import io.yolostream.sinks.health.HealthTopology;
import io.yolostream.sinks.json.JsonMirrorTopology;
import io.yolostream.sinks.routing.RoutingTopology;
import io.yolostream.sinks.tracking.TrackingTopology;
import io.yolostream.sinks.web.LiveView;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;

import java.util.Properties;
import java.util.function.Consumer;

/**
 * The one Kafka Streams app of the sinks service: a single read of the detections topic feeding routing, counts,
 * the JSON mirror, health, tracking (tracks, events, zone counts) and the live view (each part is also buildable alone, see their {@code buildTopology}),
 * and, when annotating or taking snapshots, a read of the frames topic paired with it.
 */
public final class SinksTopology {
    private SinksTopology() {
    }

    public static Topology buildTopology(SinksConfig c) {
        return buildTopology(c, SinksMetrics.inMemory());
    }

    public static Topology buildTopology(SinksConfig c, SinksMetrics metrics) {
        Watchers watchers = new Watchers(c.watchTtl());
        return buildTopology(c, metrics, new LiveView(c.hierarchy(), watchers), AnnotateSelection.of(c, watchers));
    }

    /** The topology feeding {@code live} (the web page of this process), annotating what {@code selection} says. */
    public static Topology buildTopology(SinksConfig c, SinksMetrics metrics, LiveView live,
                                         AnnotateSelection selection) {
        StreamsBuilder b = new StreamsBuilder();
        KStream<String, Detection> detections = source(b, c).peek((camera, d) -> {
            metrics.detection(camera, d);
            live.detection(d);
        }, Named.as("count-detections"));
        RoutingTopology.addTo(c, detections, metrics);
        CountsTopology.addTo(c, detections);
        JsonMirrorTopology.addTo(c, detections);
        HealthTopology.addTo(c, detections);
        // before the annotator: a pair leaving it on this detection finds its tracks in the live view
        TrackingTopology.addTo(c, b, detections, live::tracking);
        AnnotateTopology.addTo(c, b, detections, selection, metrics, live);
        return b.build();
    }

    /** The detections topic as a stream (one per topology: sub-topologies share it). */
    public static KStream<String, Detection> source(StreamsBuilder b, SinksConfig c) {
        return DetectionStream.of(b, c.detectionsTopic());
    }

    /**
     * Kafka Streams properties: exactly-once v2 (read_committed input, transactional output), the DLQ handler, then
     * the {@code kafka.*} overrides (which may not turn exactly-once off: the guarantee is set last).
     */
    public static Properties streamsProperties(SinksConfig c, int httpPort, Consumer<String> dlqListener) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, c.get(SinksConfig.APPLICATION_ID).strip());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, c.get(SinksConfig.BOOTSTRAP_SERVERS).strip());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, c.get(SinksConfig.THREADS));
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, c.get(SinksConfig.COMMIT_INTERVAL_MS));
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, c.get(SinksConfig.REPLICATION));
        // Kafka 5 turns this on by default; opting in now keeps behaviour the same across the upgrade
        p.put("processing.exception.handler.global.enabled", "true");
        p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, c.advertisedHost() + ":" + httpPort);
        String stateDir = c.get(SinksConfig.STATE_DIR).strip();
        if (!stateDir.isEmpty()) {
            p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
        }
        // transactional stores (KIP-892): a store holds only committed writes, and its committed changelog offsets
        // live in the store (KIP-1035, no .checkpoint file). Without them, under exactly-once, a task whose store
        // has files but no committed offset (one that never got a record, or any after a crash) is "corrupted":
        // ERROR TaskCorruptedException with a stack trace on every restart, its stores wiped and restored in full
        p.put(StreamsConfig.TRANSACTIONAL_STATE_STORES_CONFIG, true);
        p.putAll(c.kafkaOverrides());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DlqHandler.class);
        p.put(DlqHandler.TOPIC_CONFIG, c.dlqTopic());
        if (dlqListener != null) {
            p.put(DlqHandler.LISTENER_CONFIG, dlqListener);
        }
        return p;
    }
}
