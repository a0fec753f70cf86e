package io.yolostream.detector.service;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The detector's Kafka clients and its start-up checks: a broker reachable within the start-up timeout, the frames
 * topic present; the detections and DLQ topics created like the frames topic when missing.
 */
final class KafkaSetup {
    private KafkaSetup() {
    }

    static void checkAndCreateTopics(DetectConfig c) {
        String servers = c.get(DetectConfig.BOOTSTRAP_SERVERS);
        int timeout = c.get(DetectConfig.STARTUP_TIMEOUT_MS);
        Map<String, Object> props = new HashMap<>(c.kafkaOverrides());
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeout);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(timeout, 10_000));
        String frames = c.get(DetectConfig.FRAMES_TOPIC);
        try (Admin admin = Admin.create(props)) {
            try {
                admin.describeCluster().nodes().get(timeout, TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                throw new DetectException("Kafka at " + servers + ": expected a reachable broker within " + timeout
                        + " ms (startup-timeout-ms), found none: " + cause(e), e);
            }
            TopicDescription desc;
            try {
                desc = admin.describeTopics(List.of(frames)).allTopicNames().get(timeout, TimeUnit.MILLISECONDS)
                        .get(frames);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                    throw new DetectException("frames topic '" + frames + "' on " + servers + ": expected it to exist"
                            + " (ingest creates it), found no such topic", e);
                }
                throw new DetectException("frames topic '" + frames + "' on " + servers + ": cannot describe it: "
                        + cause(e), e);
            }
            String maxBytes = maxMessageBytes(admin, frames, timeout);
            List<NewTopic> create = new ArrayList<>();
            Set<String> existing = admin.listTopics().names().get(timeout, TimeUnit.MILLISECONDS);
            for (String t : List.of(c.get(DetectConfig.DETECTIONS_TOPIC), c.get(DetectConfig.DLQ_TOPIC))) {
                if (!existing.contains(t)) {
                    NewTopic nt = new NewTopic(t, desc.partitions().size(),
                            c.get(DetectConfig.REPLICATION).shortValue());
                    // the DLQ holds whole frames: allow what the frames topic allows
                    if (maxBytes != null && t.equals(c.get(DetectConfig.DLQ_TOPIC))) {
                        nt.configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, maxBytes));
                    }
                    create.add(nt);
                }
            }
            if (!create.isEmpty()) {
                try {
                    admin.createTopics(create).all().get(timeout, TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new DetectException("topics " + create.stream().map(NewTopic::name).toList() + " on "
                                + servers + ": expected to create them, found: " + cause(e), e);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DetectException("interrupted while checking Kafka at " + servers, e);
        } catch (TimeoutException | ExecutionException e) {
            throw new DetectException("Kafka at " + servers + ": expected answers within " + timeout + " ms, found: "
                    + cause(e), e);
        }
    }

    private static String maxMessageBytes(Admin admin, String topic, int timeout) {
        try {
            ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config cfg = admin.describeConfigs(List.of(r)).all().get(timeout, TimeUnit.MILLISECONDS).get(r);
            ConfigEntry e = cfg == null ? null : cfg.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
            return e == null ? null : e.value();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return null;
        }
    }

    private static String cause(Exception e) {
        Throwable t = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
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
