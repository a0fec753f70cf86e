package io.yolostream.sinks.zones;

import io.yolostream.sinks.common.SinksSerdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads zones from the global store that mirrors the zones topic (key {@code <camera>/<id>}, value the record's
 * raw bytes). A value that does not decode is skipped (and logged): one bad record must not stop tracking.
 */
public final class ZoneStore {
    private static final Logger LOG = LoggerFactory.getLogger(ZoneStore.class);
    private static final StringSerializer KEYS = new StringSerializer();
    /** Records already warned about (each is read on every frame of its camera): logged once, not per frame. */
    private static final java.util.Set<String> WARNED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private ZoneStore() {
    }

    /** The camera's zones, by id. */
    public static List<ZoneSpec> of(ReadOnlyKeyValueStore<String, byte[]> store, String camera) {
        List<ZoneSpec> out = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = store.prefixScan(camera + "/", KEYS)) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                ZoneSpec z = decode(kv.key, kv.value);
                if (z != null && z.camera().equals(camera)) {
                    out.add(z);
                }
            }
        }
        return out;
    }

    /** Every zone, by camera and id. */
    public static List<ZoneSpec> all(ReadOnlyKeyValueStore<String, byte[]> store) {
        List<ZoneSpec> out = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                ZoneSpec z = decode(kv.key, kv.value);
                if (z != null) {
                    out.add(z);
                }
            }
        }
        return out;
    }

    /** The zone of a record, or null (and a warning, once per record) when it is not a valid one. */
    public static ZoneSpec decode(String key, byte[] value) {
        if (value == null) {
            return null;
        }
        try {
            ZoneSpec z = ZoneCodec.fromRecord(SinksSerdes.zoneDefinition().deserializer().deserialize("zones", value));
            if (!z.key().equals(key) || !z.problems().isEmpty()) {
                warn(key, value, "zones topic: record " + key + " skipped: expected a valid zone keyed <camera>/<id>, "
                        + "found " + z.key() + " " + z.problems());
                return null;
            }
            return z;
        } catch (RuntimeException e) {
            warn(key, value, "zones topic: record " + key + " skipped: expected an Avro ZoneDefinition, found "
                    + value.length + " bytes that do not decode (" + e.getMessage() + ")");
            return null;
        }
    }

    private static void warn(String key, byte[] value, String message) {
        if (WARNED.size() < 10_000 && WARNED.add(key + "/" + java.util.Arrays.hashCode(value))) {
            LOG.warn(message);
        }
    }
}
