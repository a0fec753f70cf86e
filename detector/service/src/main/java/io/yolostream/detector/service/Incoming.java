package io.yolostream.detector.service;

import io.yolostream.ingest.avro.EndOfStream;
import io.yolostream.ingest.avro.Frame;
import io.yolostream.ingest.avro.FrameCodec;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * One record of the frames topic, read and classified at poll time. Every kind goes through the batcher in arrival
 * order, so a batch is a per-partition prefix of what was polled and its offsets can be committed with its output.
 *
 * @param frame the frame, for {@link Kind#FRAME}; else null
 * @param error why the value could not be read, for {@link Kind#UNREADABLE}; else null
 */
record Incoming(ConsumerRecord<String, byte[]> record, Kind kind, Frame frame, String error) {
    enum Kind { FRAME, END_OF_STREAM, UNREADABLE }

    static Incoming of(ConsumerRecord<String, byte[]> r) {
        try {
            SpecificRecord value = FrameCodec.decode(r.value());
            if (value instanceof Frame f) {
                return new Incoming(r, Kind.FRAME, f, null);
            }
            if (value instanceof EndOfStream) {
                return new Incoming(r, Kind.END_OF_STREAM, null, null);
            }
            return new Incoming(r, Kind.UNREADABLE, null, "unexpected record " + value.getSchema().getName());
        } catch (RuntimeException e) {
            return new Incoming(r, Kind.UNREADABLE, null, e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    TopicPartition partition() {
        return new TopicPartition(record.topic(), record.partition());
    }

    /** Names the record in errors: topic/partition/offset. */
    String where() {
        return record.topic() + "/" + record.partition() + "@" + record.offset();
    }
}
