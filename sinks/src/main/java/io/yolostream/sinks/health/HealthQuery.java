package io.yolostream.sinks.health;

import io.yolostream.sinks.avro.CameraHealth;
import io.yolostream.sinks.common.LatestWindows;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** Interactive query on the health store: each camera's latest window (frames by status) held by this instance. */
public final class HealthQuery {
    private final KafkaStreams streams;

    public HealthQuery(KafkaStreams streams) {
        this.streams = streams;
    }

    /** Camera → its latest window: {@code windowStart}, {@code windowEnd}, {@code ok}, {@code skippedStale}, ... */
    public Map<String, Map<String, Object>> current() {
        Map<String, KeyValue<Windowed<String>, CameraHealth>> latest = LatestWindows.of(streams, HealthTopology.STORE,
                null);
        Map<String, Map<String, Object>> out = new TreeMap<>();
        latest.forEach((camera, kv) -> {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("windowStart", Instant.ofEpochMilli(kv.key.window().start()).toString());
            e.put("windowEnd", Instant.ofEpochMilli(kv.key.window().end()).toString());
            e.put("ok", kv.value.getOk());
            e.put("skippedStale", kv.value.getSkippedStale());
            e.put("error", kv.value.getError());
            e.put("lastReason", kv.value.getLastReason());
            out.put(camera, e);
        });
        return out;
    }
}
