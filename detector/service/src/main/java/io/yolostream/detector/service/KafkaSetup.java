package io.yolostream.detector.service;

import io.yolostream.kafka.TopicAdmin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The detector's Kafka clients and its start-up checks: a broker reachable within the start-up timeout, the frames
 * topic present; the detections and DLQ topics created like the frames topic when missing.
 */
final class KafkaSetup {
    private KafkaSetup() {
    }

    static void checkAndCreateTopics(DetectConfig c) {
        String servers = c.get(DetectConfig.BOOTSTRAP_SERVERS);
        String frames = c.get(DetectConfig.FRAMES_TOPIC);
        int timeoutMs = c.get(DetectConfig.STARTUP_TIMEOUT_MS);
        try (TopicAdmin admin = TopicAdmin.connect(servers, c.kafkaOverrides(), timeoutMs)) {
            TopicDescription desc = admin.describe(frames);
            if (desc == null) {
                throw new DetectException("frames topic '" + frames + "' on " + servers + ": expected it to exist"
                        + " (ingest creates it), found no such topic");
            }
            String maxBytes = admin.config(frames, TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
            short replication = c.get(DetectConfig.REPLICATION).shortValue();
            int partitions = desc.partitions().size();
            NewTopic dlq = new NewTopic(c.get(DetectConfig.DLQ_TOPIC), partitions, replication);
            if (maxBytes != null) {
                dlq.configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, maxBytes)); // the DLQ holds whole frames
            }
            admin.createMissing(List.of(new NewTopic(c.get(DetectConfig.DETECTIONS_TOPIC), partitions, replication),
                    dlq));
        }
    }

    static KafkaConsumer<String, byte[]> consumer(DetectConfig c) {
        Map<String, Object> p = new HashMap<>(c.kafkaOverrides());
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, c.get(DetectConfig.BOOTSTRAP_SERVERS));
        p.put(ConsumerConfig.GROUP_ID_CONFIG, c.get(DetectConfig.GROUP_ID));
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "detector-" + c.instanceId());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // a few batches per poll: enough to fill the next batch while one infers, not so many that a rebalance
        // throws away much prepared work
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, c.get(DetectConfig.MAX_BATCH) * 4);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return new KafkaConsumer<>(p);
    }

    /** The producer's transaction.timeout.ms: a {@code kafka.} override or the client's default (60 s). */
    static Duration transactionTimeout(DetectConfig c) {
        Object v = c.kafkaOverrides().get(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG);
        return Duration.ofMillis(v == null ? 60_000 : Long.parseLong(v.toString().strip()));
    }

    static KafkaProducer<String, byte[]> producer(DetectConfig c) {
        Map<String, Object> p = new HashMap<>(c.kafkaOverrides());
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, c.get(DetectConfig.BOOTSTRAP_SERVERS));
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "detector-" + c.instanceId());
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, c.transactionalId());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 * 1024 * 1024);
        p.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, c.get(DetectConfig.STARTUP_TIMEOUT_MS));
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return new KafkaProducer<>(p);
    }
}
