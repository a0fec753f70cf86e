package io.yolostream.sinks.json;

import io.yolostream.detector.avro.Detection;
import io.yolostream.detector.schema.DetectionJson;
import io.yolostream.sinks.common.DetectionStream;
import io.yolostream.sinks.config.SinksConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/** detections → {@code detections.json}: every record (any status) as a JSON object, same key and timestamp. */
public final class JsonMirrorTopology {
    private JsonMirrorTopology() {
    }

    public static Topology buildTopology(SinksConfig c) {
        StreamsBuilder b = new StreamsBuilder();
        addTo(c, DetectionStream.of(b, c.detectionsTopic()));
        return b.build();
    }

    public static void addTo(SinksConfig c, KStream<String, Detection> detections) {
        if (c.jsonTopic().isEmpty()) {
            return;
        }
        detections.mapValues(DetectionJson::toBytes, Named.as("to-json"))
                .to(c.jsonTopic(), Produced.with(Serdes.String(), Serdes.ByteArray()).withName("json-out"));
    }
}
