package io.yolostream.sinks.health;

import io.yolostream.detector.avro.Detection;
import io.yolostream.sinks.avro.CameraHealth;
import io.yolostream.sinks.common.DetectionStream;
import io.yolostream.sinks.common.SinksSerdes;
import io.yolostream.sinks.config.SinksConfig;
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

import java.time.Instant;

/**
 * Frames per camera by status in the same tumbling windows as the counts: SKIPPED_STALE and ERROR frames are counted
 * here (and never routed), OK frames alongside so a window says how much of the camera's stream was lost.
 * {@code detections.health} gets one {@code CameraHealth} per camera and window once it closes.
 */
public final class HealthTopology {
    public static final String STORE = "health";

    private HealthTopology() {
    }

    public static Topology buildTopology(SinksConfig c) {
        StreamsBuilder b = new StreamsBuilder();
        addTo(c, DetectionStream.of(b, c.detectionsTopic()));
        return b.build();
    }

    public static void addTo(SinksConfig c, KStream<String, Detection> detections) {
        // keyed by camera already: no repartition
        detections.groupByKey(Grouped.with("health", Serdes.String(), SinksSerdes.detection()))
                .windowedBy(TimeWindows.ofSizeAndGrace(c.window(), c.grace()))
                .aggregate(HealthTopology::empty, (camera, d, agg) -> add(agg, d), Named.as("health-count"),
                        Materialized.<String, CameraHealth, WindowStore<Bytes, byte[]>>as(STORE)
                                .withKeySerde(Serdes.String()).withValueSerde(SinksSerdes.cameraHealth())
                                .withRetention(c.window().multipliedBy(2).plus(c.grace())))
                .suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded()).withName("health-final"))
                .toStream(Named.as("health-closed"))
                .map((wk, h) -> KeyValue.pair(wk.key(), CameraHealth.newBuilder(h).setCameraId(wk.key())
                        .setWindowStart(Instant.ofEpochMilli(wk.window().start()))
                        .setWindowEnd(Instant.ofEpochMilli(wk.window().end())).build()), Named.as("to-health"))
                .to(c.healthTopic(), Produced.with(Serdes.String(), SinksSerdes.cameraHealth())
                        .withName("health-out"));
    }

    static CameraHealth empty() {
        return new CameraHealth("", Instant.EPOCH, Instant.EPOCH, 0L, 0L, 0L, null);
    }

    static CameraHealth add(CameraHealth h, Detection d) {
        CameraHealth.Builder b = CameraHealth.newBuilder(h);
        switch (d.getStatus()) {
            case OK -> b.setOk(h.getOk() + 1);
            case SKIPPED_STALE -> b.setSkippedStale(h.getSkippedStale() + 1).setLastReason(d.getReason());
            case ERROR -> b.setError(h.getError() + 1).setLastReason(d.getReason());
        }
        return b.build();
    }
}
