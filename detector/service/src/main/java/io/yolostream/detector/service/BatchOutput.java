package io.yolostream.detector.service;

import io.yolostream.detector.avro.Detection;
import io.yolostream.detector.avro.DetectionStatus;
import io.yolostream.detector.avro.Timings;
import io.yolostream.detector.schema.DetectionCodec;
import io.yolostream.ingest.avro.Frame;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What one batch writes in its transaction: a detection record per frame (OK, SKIPPED_STALE or ERROR), the DLQ copies
 * of unreadable records, and the offsets after the batch's last record of each partition.
 */
final class BatchOutput {
    static final String REASON_HEADER = "yolostream.error.reason";
    static final String TOPIC_HEADER = "yolostream.error.topic";
    static final String PARTITION_HEADER = "yolostream.error.partition";
    static final String OFFSET_HEADER = "yolostream.error.offset";

    /** A record to send and, for detections, the camera and status it counts for. */
    record Out(ProducerRecord<String, byte[]> record, String camera, DetectionStatus status) {
    }

    final List<Out> records = new ArrayList<>();
    final Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();

    /** Of two offsets to commit for one partition, the later one. */
    static OffsetAndMetadata later(OffsetAndMetadata a, OffsetAndMetadata b) {
        return a.offset() >= b.offset() ? a : b;
    }

    /**
     * @param detections per RUN slot, in input order (empty when nothing ran)
     * @param inferenceMs the batch's inference time; decodeMs region decoding per frame
     */
    static BatchOutput of(PreparedBatch b, List<List<io.yolostream.detector.decode.DetectedBox>> detections,
                          float inferenceMs, float decodeMs, DetectionRecords factory, String detectionsTopic,
                          String dlqTopic) {
        BatchOutput out = new BatchOutput();
        for (PreparedBatch.Slot s : b.slots()) {
            ConsumerRecord<String, byte[]> r = s.in().record();
            Frame f = s.in().frame();
            out.offsets.merge(s.in().partition(), new OffsetAndMetadata(r.offset() + 1), BatchOutput::later);
            Detection d;
            switch (s.outcome()) {
                case END_OF_STREAM -> {
                    continue; // offset committed in order with the frames; nothing forwarded
                }
                case RUN -> {
                    Timings t = new Timings(queueMs(b, f), s.jpegMs(), s.preMs(), inferenceMs, decodeMs);
                    d = factory.ok(f, r.partition(), r.offset(), detections.get(s.index()), b.size(), b.size(),
                            b.runCount(), s.frameWidth(), s.frameHeight(), t);
                }
                case STALE -> d = factory.skipped(f, r.partition(), r.offset(), s.reason(), queueMs(b, f));
                case BAD_IMAGE -> {
                    d = factory.error(f, r.partition(), r.offset(), "undecodable image: " + s.reason());
                    out.records.add(new Out(dlq(dlqTopic, r, d.getReason()), null, null));
                }
                case UNREADABLE -> {
                    d = factory.unreadable(r.key(), r.timestamp(), r.partition(), r.offset(),
                            "unreadable value: " + s.reason());
                    out.records.add(new Out(dlq(dlqTopic, r, d.getReason()), null, null));
                }
                default -> throw new IllegalStateException("unknown outcome " + s.outcome());
            }
            out.records.add(new Out(new ProducerRecord<>(detectionsTopic, null,
                    d.getCaptureTime().toEpochMilli(),
                    s.outcome() == PreparedBatch.Outcome.UNREADABLE ? r.key() : d.getCameraId(),
                    DetectionCodec.encode(d)),
                    d.getCameraId(), d.getStatus()));
        }
        return out;
    }

    private static float queueMs(PreparedBatch b, Frame f) {
        return Math.max(0, b.startMs() - f.getCaptureTime().toEpochMilli());
    }

    /** The original record, its headers plus the reason and where it was read. */
    static ProducerRecord<String, byte[]> dlq(String topic, ConsumerRecord<String, byte[]> r, String reason) {
        RecordHeaders h = new RecordHeaders();
        for (Header x : r.headers()) {
            h.add(x);
        }
        h.add(REASON_HEADER, utf8(reason));
        h.add(TOPIC_HEADER, utf8(r.topic()));
        h.add(PARTITION_HEADER, utf8(Integer.toString(r.partition())));
        h.add(OFFSET_HEADER, utf8(Long.toString(r.offset())));
        return new ProducerRecord<>(topic, null, r.timestamp() < 0 ? null : r.timestamp(), r.key(), r.value(), h);
    }

    private static byte[] utf8(String s) {
        return (s == null ? "" : s).getBytes(StandardCharsets.UTF_8);
    }
}
