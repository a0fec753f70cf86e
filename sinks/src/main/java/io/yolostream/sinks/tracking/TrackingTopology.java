package io.yolostream.sinks.tracking;

import io.yolostream.detector.avro.Detection;
import io.yolostream.sinks.avro.NodeCount;
import io.yolostream.sinks.avro.TrackEvent;
import io.yolostream.sinks.avro.TrackFrame;
import io.yolostream.sinks.avro.ZoneTracks;
import io.yolostream.sinks.common.DetectionStream;
import io.yolostream.sinks.common.SinksSerdes;
import io.yolostream.sinks.config.SinksConfig;
import io.yolostream.sinks.zones.ZoneStore;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Suppressed;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * detections → {@code tracks} (one TrackFrame per record), {@code events} (TrackEvent), their JSON mirrors, and the
 * unique tracks per zone and line per window into the counts topic. The tracker runs as a processor keyed by camera
 * ({@link TrackingProcessor}) with its state in the changelogged store {@value #STORE}; the zones topic (compacted)
 * is read whole into the global store {@value #ZONES_STORE}, so every instance sees every camera's zones.
 */
public final class TrackingTopology {
    public static final String STORE = "tracks";
    public static final String ZONES_STORE = "zones";
    public static final String ZONE_COUNTS_STORE = "zone-counts";

    private TrackingTopology() {
    }

    public static Topology buildTopology(SinksConfig c) {
        StreamsBuilder b = new StreamsBuilder();
        addTo(c, b, DetectionStream.of(b, c.detectionsTopic()), out -> {
        });
        return b.build();
    }

    /**
     * @param live gets every frame's tracks (with the zones) and every event, as they are forwarded (the live view)
     */
    public static void addTo(SinksConfig c, StreamsBuilder b, KStream<String, Detection> detections,
                             Consumer<TrackingOutput> live) {
        if (!c.tracking()) {
            return;
        }
        Tracking tracking = Tracking.of(c);
        b.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(),
                SinksSerdes.cameraTracks()));
        b.addGlobalStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ZONES_STORE), Serdes.String(),
                        Serdes.ByteArray()).withLoggingDisabled(), c.zonesTopic(),
                Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("zones"), ZonesLoader::new);
        KStream<String, TrackingOutput> out = detections
                .processValues(() -> new TrackingProcessor(tracking, ZONES_STORE), Named.as("track"), STORE)
                .peek((camera, o) -> live.accept(o), Named.as("tracks-live"));
        KStream<String, TrackFrame> frames = out.filter((k, o) -> o.frame() != null, Named.as("tracks-frames"))
                .mapValues(TrackingOutput::frame, Named.as("tracks-frame"));
        KStream<String, TrackEvent> events = out.filter((k, o) -> o.event() != null, Named.as("tracks-events"))
                .mapValues(TrackingOutput::event, Named.as("tracks-event"));
        frames.to(c.tracksTopic(), Produced.with(Serdes.String(), SinksSerdes.trackFrame()).withName("tracks-out"));
        events.to(c.eventsTopic(), Produced.with(Serdes.String(), SinksSerdes.trackEvent()).withName("events-out"));
        if (!c.tracksJsonTopic().isEmpty()) {
            frames.mapValues(TrackJson::toBytes, Named.as("tracks-to-json"))
                    .to(c.tracksJsonTopic(), Produced.with(Serdes.String(), Serdes.ByteArray())
                            .withName("tracks-json-out"));
        }
        if (!c.eventsJsonTopic().isEmpty()) {
            events.mapValues(TrackJson::toBytes, Named.as("events-to-json"))
                    .to(c.eventsJsonTopic(), Produced.with(Serdes.String(), Serdes.ByteArray())
                            .withName("events-json-out"));
        }
        ZoneCounts counts = new ZoneCounts(tracking, c.eventsTopic());
        Duration retention = c.window().multipliedBy(2).plus(c.grace());
        frames.groupByKey(Grouped.with("zone-counts", Serdes.String(), SinksSerdes.trackFrame()))
                .windowedBy(TimeWindows.ofSizeAndGrace(c.window(), c.grace()))
                .aggregate(() -> new ZoneTracks(new java.util.HashMap<>()), (camera, f, agg) -> counts.add(agg, f),
                        Named.as("zone-count"), Materialized.<String, ZoneTracks, WindowStore<Bytes, byte[]>>as(
                                        ZONE_COUNTS_STORE).withKeySerde(Serdes.String())
                                .withValueSerde(SinksSerdes.zoneTracks()).withRetention(retention))
                .suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded())
                        .withName("zone-counts-final"))
                .toStream(Named.as("zone-counts-closed"))
                .flatMap((wk, agg) -> {
                    List<KeyValue<String, NodeCount>> kv = new ArrayList<>();
                    for (NodeCount n : counts.counts(wk.key(), wk.window().start(), wk.window().end(), agg)) {
                        kv.add(KeyValue.pair(wk.key(), n));
                    }
                    return kv;
                }, Named.as("zone-counts-records"))
                .to(c.countsTopic(), Produced.with(Serdes.String(), SinksSerdes.nodeCount())
                        .withName("zone-counts-out"));
    }

    /** Keeps the global zones store equal to the zones topic: raw bytes by key, a tombstone deletes. */
    static final class ZonesLoader implements Processor<String, byte[], Void, Void> {
        private KeyValueStore<String, byte[]> store;

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            store = context.getStateStore(ZONES_STORE);
        }

        @Override
        public void process(Record<String, byte[]> r) {
            if (r.key() == null) {
                return;
            }
            if (r.value() == null) {
                store.delete(r.key());
            } else if (ZoneStore.decode(r.key(), r.value()) != null) {
                store.put(r.key(), r.value());
            }
            // an invalid record is skipped (warned about once): the previous version of that zone stays
        }
    }
}
