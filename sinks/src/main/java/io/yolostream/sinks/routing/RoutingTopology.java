package io.yolostream.sinks.routing;

import io.yolostream.detector.avro.Detection;
import io.yolostream.sinks.avro.RoutedDetection;
import io.yolostream.sinks.common.DetectionStream;
import io.yolostream.sinks.common.SinksMetrics;
import io.yolostream.sinks.common.SinksSerdes;
import io.yolostream.sinks.config.SinksConfig;
import io.yolostream.sinks.hierarchy.Router;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/**
 * detections → {@code <prefix>.<node>}: every object of an OK frame to the topic of each subscribed node on its
 * WordTree path. The key (camera id) and record timestamp (capture time) are kept, so no repartition is needed and a
 * camera's records stay ordered.
 */
public final class RoutingTopology {
    private RoutingTopology() {
    }

    /** The routing alone (for tests); the service runs {@link SinksTopology#buildTopology}. */
    public static Topology buildTopology(SinksConfig c) {
        StreamsBuilder b = new StreamsBuilder();
        addTo(c, DetectionStream.of(b, c.detectionsTopic()), SinksMetrics.inMemory());
        return b.build();
    }

    /** The routed records (one per object and subscribed node on its path), not yet written. */
    public static KStream<String, RoutedDetection> routed(SinksConfig c, KStream<String, Detection> detections) {
        Router router = new Router(c.hierarchy(), c.subscriptions());
        return detections.flatMapValues(router::route, Named.as("route"));
    }

    public static KStream<String, RoutedDetection> addTo(SinksConfig c, KStream<String, Detection> detections,
                                                         SinksMetrics metrics) {
        KStream<String, RoutedDetection> routed = routed(c, detections);
        routed.peek(metrics::routed, Named.as("count-routed"))
                .to((key, value, ctx) -> value.getNode().getTopic(),
                        Produced.with(Serdes.String(), SinksSerdes.routed()).withName("routed-topics"));
        return routed;
    }
}
