package io.yolostream.sinks.tracking;

import io.yolostream.detector.avro.Detection;
import io.yolostream.sinks.avro.CameraTracks;
import io.yolostream.sinks.avro.TrackEvent;
import io.yolostream.sinks.zones.ZoneSpec;
import io.yolostream.sinks.zones.ZoneStore;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The tracker as a Kafka Streams processor on the detections (keyed by camera, so a camera's records come in order
 * to one task): per record it takes the camera's {@link CameraTracker}, steps it with the camera's zones (from the
 * global zones store), saves it in the changelogged store {@value TrackingTopology#STORE} and forwards the frame and
 * the events, keyed by the camera as the input (a fixed-key processor: what follows, such as the zone counts, needs
 * no repartition).
 * <p>
 * The trackers are also kept in memory between records (decoding the state on every record would cost more than
 * tracking); the store is read when a camera is first seen by this task instance, so after a restart, a rebalance or
 * a revived task (init runs again and clears the memory) tracking goes on from what was committed.
 * <p>
 * A wall-clock punctuator ends the tracks of cameras that sent nothing for {@code idleEndMs} (reason idle). The
 * clock of the last record per camera is kept in memory only: after a restart each camera gets the full idle time
 * again, counted from its first record (a camera that never sends again after a restart keeps its tracks open).
 */
final class TrackingProcessor implements FixedKeyProcessor<String, Detection, TrackingOutput> {
    /** How often idle cameras are looked for. */
    static final Duration IDLE_CHECK = Duration.ofSeconds(1);

    private final Tracking tracking;
    private final String zonesStore;
    private final Map<String, Long> lastWallMs = new HashMap<>();
    private final Map<String, CameraTracker> trackers = new HashMap<>();
    // the last record of each camera: events of the idle end are forwarded as derived from it (the same key)
    private final Map<String, FixedKeyRecord<String, Detection>> lastRecord = new HashMap<>();
    private FixedKeyProcessorContext<String, TrackingOutput> context;
    private KeyValueStore<String, CameraTracks> store;
    private ReadOnlyKeyValueStore<String, byte[]> zones;

    TrackingProcessor(Tracking tracking, String zonesStore) {
        this.tracking = tracking;
        this.zonesStore = zonesStore;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, TrackingOutput> context) {
        this.context = context;
        this.store = context.getStateStore(TrackingTopology.STORE);
        this.zones = context.getStateStore(zonesStore);
        clear();
        context.schedule(IDLE_CHECK, PunctuationType.WALL_CLOCK_TIME, this::endIdle);
    }

    @Override
    public void process(FixedKeyRecord<String, Detection> record) {
        Detection d = record.value();
        String camera = d.getCameraId(); // also the record's key, as on every topic of the pipeline
        CameraTracker t = tracker(camera);
        List<ZoneSpec> z = ZoneStore.of(zones, camera);
        CameraTracker.Result r = t.step(d, z);
        store.put(camera, t.save());
        lastWallMs.put(camera, context.currentSystemTimeMs());
        lastRecord.put(camera, record);
        context.forward(record.withValue(TrackingOutput.of(r.frame(), z)));
        forward(record, r.events());
    }

    /** The camera's tracker: in memory, else from the store, else a new one. */
    private CameraTracker tracker(String camera) {
        return trackers.computeIfAbsent(camera, c -> {
            CameraTracks saved = store.get(c);
            return saved == null ? CameraTracker.start(tracking, c) : CameraTracker.restore(tracking, saved);
        });
    }

    private void forward(FixedKeyRecord<String, Detection> from, List<TrackEvent> events) {
        for (TrackEvent e : events) {
            context.forward(from.withValue(TrackingOutput.of(e)).withTimestamp(e.getTime().toEpochMilli()));
        }
    }

    private void endIdle(long now) {
        List<KeyValue<String, CameraTracks>> idle = new ArrayList<>();
        try (KeyValueIterator<String, CameraTracks> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, CameraTracks> kv = it.next();
                Long last = lastWallMs.putIfAbsent(kv.key, now);
                if (last != null && now - last >= tracking.idleEndMs() && !kv.value.getTracks().isEmpty()
                        && lastRecord.containsKey(kv.key)) {
                    idle.add(kv);
                }
            }
        }
        for (KeyValue<String, CameraTracks> kv : idle) {
            CameraTracker t = tracker(kv.key);
            List<TrackEvent> events = t.endAll("idle", ZoneStore.of(zones, kv.key));
            store.put(kv.key, t.save());
            forward(lastRecord.get(kv.key), events);
        }
    }

    private void clear() {
        lastWallMs.clear();
        trackers.clear();
        lastRecord.clear();
    }

    @Override
    public void close() {
        clear();
    }
}
