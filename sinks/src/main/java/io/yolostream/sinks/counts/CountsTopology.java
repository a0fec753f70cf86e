package io.yolostream.sinks.counts;

import io.yolostream.detector.avro.Detection;
import io.yolostream.sinks.avro.NodeCount;
import io.yolostream.sinks.avro.NodeCounts;
import io.yolostream.sinks.avro.RoutedDetection;
import io.yolostream.sinks.common.DetectionStream;
import io.yolostream.sinks.common.SinksSerdes;
import io.yolostream.sinks.config.SinksConfig;
import io.yolostream.sinks.hierarchy.Router;
import io.yolostream.sinks.hierarchy.Subscription;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Suppressed;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.state.WindowStore;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Objects per camera and subscribed node in tumbling windows of capture time ({@code window}); late records count
 * until window end + {@code grace}, later ones are dropped (Kafka Streams' rule). Aggregated per camera (the key
 * already), so there is no repartition and every frame of the camera's partition moves the windows on, not only
 * frames with objects. The store {@value #STORE} answers interactive queries; once a window closes
 * {@code detections.counts} gets one {@code NodeCount} per subscribed node for each camera that sent frames in it
 * (zeros included, so a count falling to zero is visible).
 */
public final class CountsTopology {
    public static final String STORE = "counts";

    private CountsTopology() {
    }

    public static Topology buildTopology(SinksConfig c) {
        StreamsBuilder b = new StreamsBuilder();
        addTo(c, DetectionStream.of(b, c.detectionsTopic()));
        return b.build();
    }

    public static void addTo(SinksConfig c, KStream<String, Detection> detections) {
        Router router = new Router(c.hierarchy(), c.subscriptions());
        List<Subscription> subs = c.subscriptions();
        // keep closed windows queryable for one more window
        Duration retention = c.window().multipliedBy(2).plus(c.grace());
        detections.groupByKey(Grouped.with("counts", Serdes.String(), SinksSerdes.detection()))
                .windowedBy(TimeWindows.ofSizeAndGrace(c.window(), c.grace()))
                .aggregate(() -> new NodeCounts(0L, new HashMap<>()), (camera, d, agg) -> add(agg, router.route(d)),
                        Named.as("count"), Materialized.<String, NodeCounts, WindowStore<Bytes, byte[]>>as(STORE)
                                .withKeySerde(Serdes.String()).withValueSerde(SinksSerdes.nodeCounts())
                                .withRetention(retention))
                .suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded()).withName("counts-final"))
                .toStream(Named.as("counts-closed"))
                .flatMap((wk, agg) -> {
                    List<KeyValue<String, NodeCount>> out = new ArrayList<>(subs.size());
                    for (Subscription s : subs) {
                        out.add(KeyValue.pair(wk.key(), new NodeCount(wk.key(), s.name(), s.topic(),
                                Instant.ofEpochMilli(wk.window().start()), Instant.ofEpochMilli(wk.window().end()),
                                count(agg, s.topic()), null, null, 0L, 0L)));
                    }
                    return out;
                }, Named.as("to-node-counts"))
                .to(c.countsTopic(), Produced.with(Serdes.String(), SinksSerdes.nodeCount()).withName("counts-out"));
    }

    static NodeCounts add(NodeCounts agg, List<RoutedDetection> routed) {
        Map<String, Long> counts = new HashMap<>(agg.getCounts());
        for (RoutedDetection r : routed) {
            counts.merge(r.getNode().getTopic(), 1L, Long::sum);
        }
        return new NodeCounts(agg.getFrames() + 1, counts);
    }

    public static long count(NodeCounts agg, String topic) {
        Long n = agg.getCounts().get(topic);
        return n == null ? 0 : n;
    }
}
