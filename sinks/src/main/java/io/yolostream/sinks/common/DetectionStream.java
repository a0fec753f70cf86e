package io.yolostream.sinks.common;

import io.yolostream.detector.avro.Detection;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;

/** The detections topic as a stream: key = camera id, value = Avro Detection (unreadable ones go to the DLQ). */
public final class DetectionStream {
    private DetectionStream() {
    }

    public static KStream<String, Detection> of(StreamsBuilder b, String detectionsTopic) {
        return b.stream(detectionsTopic, Consumed.with(Serdes.String(), SinksSerdes.detection())
                .withName("detections"));
    }
}
