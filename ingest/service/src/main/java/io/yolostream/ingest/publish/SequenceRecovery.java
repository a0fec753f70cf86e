package io.yolostream.ingest.publish;

import io.yolostream.ingest.avro.EndOfStream;
import io.yolostream.ingest.avro.Frame;
import io.yolostream.ingest.avro.FrameCodec;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Recovers a camera's last published sequence number from the topic, so numbering continues across process
 * restarts. The camera's records are all in one partition (the default partitioner's choice for its key), in the
 * order they were numbered, so the newest record of the camera holds its highest sequence. The tail of that partition
 * is read backwards in chunks of {@value #CHUNK} records, stopping at the first chunk holding one of the camera's
 * records; at most {@code window} records are scanned in all. A camera with no record in that window (a new camera,
 * or one silent while others wrote more than {@code window} records to its partition) starts again at 0, with a
 * warning when older records were left unread; the camera's claim ({@link CameraClaims}) still remembers where
 * its numbering got to. Not thread-safe: one owner thread.
 */
final class SequenceRecovery implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SequenceRecovery.class);
    static final int CHUNK = 50;

    private final String topic;
    private final int window;
    private final Duration timeout;
    private final KafkaConsumer<String, byte[]> consumer;

    SequenceRecovery(PublisherConfig config, int maxRecordBytes, Duration timeout) {
        this.topic = config.topic();
        this.window = config.recoveryWindow();
        this.timeout = timeout;
        Map<String, Object> props = new HashMap<>(config.clientOverrides());
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Math.max(maxRecordBytes, 1024 * 1024));
        props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Math.max(maxRecordBytes, 50 * 1024 * 1024));
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        props.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(1000, timeout.toMillis() / 2));
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "yolostream-ingest-sequence-recovery");
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    }

    /** The partition the default partitioner picks for {@code key} among {@code partitions}. */
    static int partitionFor(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /**
     * The highest sequence of {@code cameraId} in the scanned tail of {@code partition}, or -1 when none. Kafka
     * errors (broker down) propagate: the caller retries later rather than restart numbering at 0.
     */
    long lastSequence(String cameraId, int partition) {
        TopicPartition tp = new TopicPartition(topic, partition);
        consumer.assign(List.of(tp));
        long begin = consumer.beginningOffsets(List.of(tp), timeout).get(tp);
        long end = consumer.endOffsets(List.of(tp), timeout).get(tp);
        long floor = Math.max(begin, end - window);
        long hi = end;
        while (hi > floor) {
            long lo = Math.max(floor, hi - CHUNK);
            long found = maxSequenceIn(tp, cameraId, lo, hi);
            if (found >= 0) {
                LOG.info("camera {}: last sequence {} found in {} (offsets {}..{})", cameraId, found, tp, lo, hi - 1);
                return found;
            }
            hi = lo;
        }
        if (floor > begin) {
            LOG.warn("camera {}: no record in the last {} records of {} (offsets {}..{}); older ones ({}..{}) not"
                    + " scanned: numbering continues after the camera's claim (restarts at 0 without one)", cameraId,
                    end - floor, tp, floor, end - 1,
                    begin, floor - 1);
        }
        return -1;
    }

    private long maxSequenceIn(TopicPartition tp, String cameraId, long lo, long hi) {
        consumer.seek(tp, lo);
        long max = -1;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (consumer.position(tp, timeout) < hi) {
            if (System.nanoTime() > deadline) {
                throw new org.apache.kafka.common.errors.TimeoutException("reading " + tp + " offsets " + lo + ".."
                        + (hi - 1) + ": not done within " + timeout);
            }
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                if (r.offset() < hi && cameraId.equals(r.key())) {
                    max = Math.max(max, sequenceOf(r));
                }
            }
        }
        return max;
    }

    private static long sequenceOf(ConsumerRecord<String, byte[]> r) {
        try {
            SpecificRecord value = FrameCodec.decode(r.value());
            if (value instanceof Frame f) {
                return f.getSequence();
            }
            return ((EndOfStream) value).getLastSequence();
        } catch (RuntimeException e) {
            LOG.warn("{}-{} offset {}: skipped while recovering sequences: {}", r.topic(), r.partition(), r.offset(),
                    e.getMessage());
            return -1;
        }
    }

    @Override
    public void close() {
        consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
    }
}
