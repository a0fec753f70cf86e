package io.yolostream.sinks.common;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;

import java.util.Map;
import java.util.TreeMap;

/** The latest window of each camera in a windowed store this instance holds (the counts and health queries). */
public final class LatestWindows {
    private LatestWindows() {
    }

    /**
     * @param camera null for every camera
     * @return camera → its latest window and value, by camera id
     */
    public static <V> Map<String, KeyValue<Windowed<String>, V>> of(KafkaStreams streams, String store, String camera) {
        ReadOnlyWindowStore<String, V> s = streams.store(StoreQueryParameters.fromNameAndType(store,
                QueryableStoreTypes.windowStore()));
        Map<String, KeyValue<Windowed<String>, V>> latest = new TreeMap<>();
        // all(), filtered: the store keeps a few windows per camera, while a fetch over an open time range walks
        // the caching layer segment by segment (seconds per query)
        try (KeyValueIterator<Windowed<String>, V> it = s.all()) {
            while (it.hasNext()) {
                KeyValue<Windowed<String>, V> kv = it.next();
                if (camera == null || camera.equals(kv.key.key())) {
                    latest.merge(kv.key.key(), kv, (a, b) -> b.key.window().start() >= a.key.window().start() ? b : a);
                }
            }
        }
        return latest;
    }
}
