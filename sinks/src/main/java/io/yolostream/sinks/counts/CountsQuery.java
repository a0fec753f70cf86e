package io.yolostream.sinks.counts;

import io.yolostream.sinks.avro.NodeCounts;
import io.yolostream.sinks.common.LatestWindows;
import io.yolostream.sinks.config.SinksConfig;
import io.yolostream.sinks.avro.NodeCount;
import io.yolostream.sinks.avro.ZoneTracks;
import io.yolostream.sinks.tracking.Tracking;
import io.yolostream.sinks.tracking.TrackingTopology;
import io.yolostream.sinks.tracking.ZoneCounts;
import io.yolostream.sinks.hierarchy.Subscription;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.HostInfo;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Interactive queries on the counts store: the current (latest) window of a camera, or of every camera this
 * instance holds. A camera held by another instance is answered with where to ask ({@link #ownerOf}).
 */
public final class CountsQuery {
    private final KafkaStreams streams;
    private final SinksConfig config;
    private final HostInfo self;
    private final ZoneCounts zoneCounts;

    public CountsQuery(KafkaStreams streams, SinksConfig config, HostInfo self) {
        this.streams = streams;
        this.config = config;
        this.self = self;
        this.zoneCounts = new ZoneCounts(Tracking.of(config), config.eventsTopic());
    }

    /** The subscriptions a {@code node} parameter names (its name, token, WordNet id or topic); all when null. */
    public List<Subscription> nodes(String node) {
        if (node == null || node.isBlank()) {
            return config.subscriptions();
        }
        String n = node.strip().toLowerCase(Locale.ROOT);
        return config.subscriptions().stream().filter(s -> s.name().toLowerCase(Locale.ROOT).equals(n)
                || s.token().toLowerCase(Locale.ROOT).equals(n) || s.topic().equals(node.strip())
                || n.equals(s.wordnetId())).toList();
    }

    /** Another instance that holds {@code camera}'s counts, or empty when it is this one (or unknown). */
    public Optional<HostInfo> ownerOf(String camera) {
        KeyQueryMetadata m = streams.queryMetadataForKey(CountsTopology.STORE, camera, Serdes.String().serializer());
        if (m == null || m.activeHost() == null || m.activeHost().equals(HostInfo.unavailable())
                || m.activeHost().equals(self)) {
            return Optional.empty();
        }
        return Optional.of(m.activeHost());
    }

    /**
     * The unique tracks per zone and line of the camera's latest window (of the zone counts), per node of
     * {@code nodes} ({@code *} without subscriptions).
     */
    public List<Map<String, Object>> zones(String camera, List<Subscription> nodes) {
        Map<String, KeyValue<Windowed<String>, ZoneTracks>> latest = LatestWindows.of(streams,
                TrackingTopology.ZONE_COUNTS_STORE, camera);
        KeyValue<Windowed<String>, ZoneTracks> kv = latest.get(camera);
        if (kv == null) {
            return List.of();
        }
        List<String> names = nodes.stream().map(Subscription::name).toList();
        List<NodeCount> counts = zoneCounts.counts(camera, kv.key.window().start(), kv.key.window().end(), kv.value)
                .stream().filter(n -> ZoneCounts.ALL.equals(n.getNode()) || names.contains(n.getNode())).toList();
        return ZoneCounts.view(counts);
    }

    /**
     * One entry per camera: its latest window with frames and the counts of {@code nodes}.
     *
     * @param camera null for every camera of this instance
     */
    public List<Map<String, Object>> current(String camera, List<Subscription> nodes) {
        Map<String, KeyValue<Windowed<String>, NodeCounts>> latest = LatestWindows.of(streams, CountsTopology.STORE,
                camera);
        List<Map<String, Object>> out = new ArrayList<>();
        for (KeyValue<Windowed<String>, NodeCounts> kv : latest.values()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("camera", kv.key.key());
            e.put("windowStart", Instant.ofEpochMilli(kv.key.window().start()).toString());
            e.put("windowEnd", Instant.ofEpochMilli(kv.key.window().end()).toString());
            e.put("frames", kv.value.getFrames());
            Map<String, Long> counts = new LinkedHashMap<>();
            for (Subscription s : nodes) {
                // two subscriptions may share a name (a name and one of its senses): the later one is keyed by topic
                counts.put(counts.containsKey(s.name()) ? s.topic() : s.name(), CountsTopology.count(kv.value,
                        s.topic()));
            }
            e.put("counts", counts);
            if (config.tracking()) {
                e.put("zones", zones(kv.key.key(), nodes));
            }
            out.add(e);
        }
        return out;
    }
}
