package io.yolostream.ingest.publish;

import io.yolostream.ingest.IngestException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Makes sure the frames topic exists and accepts our records: created with the configured partitions when missing;
 * {@code max.message.bytes} at least the producer's {@code max.request.size} (raised on an existing topic when
 * lower); {@code message.timestamp.after.max.ms} unlimited, because a replay at full speed stamps frames with
 * start + pts, which runs ahead of the wall clock (Kafka 4's default rejects records over 1 hour ahead).
 */
final class TopicSetup {
    private static final Logger LOG = LoggerFactory.getLogger(TopicSetup.class);
    private static final long TIMEOUT_S = 30;

    private TopicSetup() {
    }

    /** Ensures the topic; returns its partition count. */
    static int ensure(PublisherConfig config, int maxMessageBytes) {
        Map<String, Object> props = new HashMap<>(config.clientOverrides());
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TimeUnit.SECONDS.toMillis(TIMEOUT_S));
        String topic = config.topic();
        try (Admin admin = Admin.create(props)) {
            TopicDescription existing = describe(admin, topic);
            if (existing == null) {
                create(admin, config, maxMessageBytes);
                // metadata of a new topic reaches the broker's cache a moment after CreateTopics returns
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
                existing = describe(admin, topic);
                while (existing == null && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                    existing = describe(admin, topic);
                }
                if (existing == null) {
                    throw new IngestException("topic " + topic + ": expected it to be visible within " + TIMEOUT_S
                            + " s of its creation, found it still unknown");
                }
            } else {
                raiseLimits(admin, topic, maxMessageBytes);
            }
            return existing.partitions().size();
        } catch (ExecutionException e) {
            throw new IngestException("topic " + topic + " on " + config.bootstrapServers()
                    + ": expected to describe/create it, found " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IngestException("topic " + topic + ": interrupted while setting it up", e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IngestException("topic " + topic + " on " + config.bootstrapServers()
                    + ": expected Kafka to answer within " + TIMEOUT_S + " s, found no answer", e);
        }
    }

    private static TopicDescription describe(Admin admin, String topic)
            throws ExecutionException, InterruptedException, java.util.concurrent.TimeoutException {
        try {
            return admin.describeTopics(List.of(topic)).allTopicNames().get(TIMEOUT_S, TimeUnit.SECONDS).get(topic);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return null;
            }
            throw e;
        }
    }

    private static void create(Admin admin, PublisherConfig config, int maxMessageBytes)
            throws ExecutionException, InterruptedException, java.util.concurrent.TimeoutException {
        NewTopic t = new NewTopic(config.topic(), config.partitions(), config.replicationFactor()).configs(Map.of(
                TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(maxMessageBytes),
                TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_CONFIG, String.valueOf(Long.MAX_VALUE)));
        try {
            admin.createTopics(List.of(t)).all().get(TIMEOUT_S, TimeUnit.SECONDS);
            LOG.info("created topic {} ({} partitions, {} replicas, max.message.bytes {})", config.topic(),
                    config.partitions(), config.replicationFactor(), maxMessageBytes);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
            raiseLimits(admin, config.topic(), maxMessageBytes); // another publisher created it meanwhile
        }
    }

    private static void raiseLimits(Admin admin, String topic, int maxMessageBytes)
            throws InterruptedException, java.util.concurrent.TimeoutException {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        List<AlterConfigOp> ops = new ArrayList<>();
        try {
            Config current = admin.describeConfigs(List.of(resource)).all().get(TIMEOUT_S, TimeUnit.SECONDS)
                    .get(resource);
            if (longValue(current, TopicConfig.MAX_MESSAGE_BYTES_CONFIG) < maxMessageBytes) {
                ops.add(new AlterConfigOp(new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                        String.valueOf(maxMessageBytes)), AlterConfigOp.OpType.SET));
            }
            if (longValue(current, TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_CONFIG) < Long.MAX_VALUE) {
                ops.add(new AlterConfigOp(new ConfigEntry(TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_CONFIG,
                        String.valueOf(Long.MAX_VALUE)), AlterConfigOp.OpType.SET));
            }
            if (!ops.isEmpty()) {
                admin.incrementalAlterConfigs(Map.of(resource, ops)).all().get(TIMEOUT_S, TimeUnit.SECONDS);
                LOG.info("topic {}: raised {}", topic, ops.stream().map(o -> o.configEntry().name() + "="
                        + o.configEntry().value()).toList());
            }
        } catch (ExecutionException e) {
            // not fatal: frames that fit the current limits still flow; larger ones fail loudly when sent
            LOG.warn("topic {}: could not check/raise {} (frames up to {} bytes may be rejected): {}", topic,
                    ops.isEmpty() ? "its limits" : ops, maxMessageBytes, e.getCause().toString());
        }
    }

    private static long longValue(Config config, String name) {
        ConfigEntry entry = config.get(name);
        if (entry == null || entry.value() == null) {
            return -1;
        }
        try {
            return Long.parseLong(entry.value());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
