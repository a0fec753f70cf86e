package io.yolostream.ingest.publish;

import io.yolostream.kafka.TopicAdmin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Makes sure the frames topic exists and accepts our records: created with the configured partitions when missing;
 * {@code max.message.bytes} at least the producer's {@code max.request.size} (raised on an existing topic when
 * lower); {@code message.timestamp.after.max.ms} unlimited, because a replay at full speed stamps frames with
 * start + pts, which runs ahead of the wall clock (Kafka 4's default rejects records over 1 hour ahead). With a
 * configured retention, {@code retention.ms} and {@code retention.bytes} (the topic's budget split over its
 * partitions), and segments small enough for them to act ({@link #retentionConfigs}), on a new or an existing topic.
 */
final class FramesTopic {
    private static final int TIMEOUT_MS = (int) TimeUnit.SECONDS.toMillis(30);
    /** Kafka's smallest {@code segment.bytes}. */
    private static final long MIN_SEGMENT_BYTES = 1024 * 1024;

    private FramesTopic() {
    }

    /** Ensures the topic; returns its partition count. */
    static int ensure(PublisherConfig config, int maxMessageBytes) {
        String topic = config.topic();
        Map<String, Long> limits = Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, (long) maxMessageBytes,
                TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_CONFIG, Long.MAX_VALUE);
        try (TopicAdmin admin = TopicAdmin.connect(config.bootstrapServers(), config.clientOverrides(), TIMEOUT_MS)) {
            Map<String, String> configs = new HashMap<>(Map.of(
                    TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(maxMessageBytes),
                    TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_CONFIG, String.valueOf(Long.MAX_VALUE)));
            configs.putAll(retentionConfigs(config, config.partitions()));
            NewTopic t = new NewTopic(topic, config.partitions(), config.replicationFactor()).configs(configs);
            boolean created = !admin.createMissing(List.of(t)).isEmpty();
            if (!created) {
                admin.raise(topic, limits); // it existed, or another publisher created it meanwhile
            }
            // metadata of a new topic reaches the broker's cache a moment after CreateTopics returns
            int partitions = admin.await(topic, System.currentTimeMillis() + TIMEOUT_MS, "it was just created")
                    .partitions().size();
            // the cameras' claims (CameraClaims): one compacted partition, the latest claim per camera
            admin.createMissing(List.of(new NewTopic(CameraClaims.claimsTopic(topic), 1, config.replicationFactor())
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                            TopicConfig.SEGMENT_MS_CONFIG, String.valueOf(TimeUnit.MINUTES.toMillis(10))))));
            if (!created) {
                Map<String, String> retention = retentionConfigs(config, partitions);
                if (!retention.isEmpty()) {
                    admin.set(topic, retention);
                }
            }
            return partitions;
        }
    }

    /**
     * The topic configs of the configured retention: {@code retention.ms}; {@code retention.bytes} = the topic's
     * budget / partitions (Kafka counts per partition); and segments of at most a quarter of each, since Kafka
     * deletes whole closed segments only (the default 1 GiB / 7 day segment would outlive any smaller retention).
     * Disk use stays within about 1.25 x the budget (the open segment of each partition on top).
     */
    static Map<String, String> retentionConfigs(PublisherConfig config, int partitions) {
        Map<String, String> out = new HashMap<>();
        if (config.retentionMs() > 0) {
            out.put(TopicConfig.RETENTION_MS_CONFIG, String.valueOf(config.retentionMs()));
            out.put(TopicConfig.SEGMENT_MS_CONFIG, String.valueOf(Math.max(60_000, config.retentionMs() / 4)));
        }
        if (config.retentionBytes() > 0) {
            long perPartition = Math.max(MIN_SEGMENT_BYTES, config.retentionBytes() / Math.max(1, partitions));
            out.put(TopicConfig.RETENTION_BYTES_CONFIG, String.valueOf(perPartition));
            out.put(TopicConfig.SEGMENT_BYTES_CONFIG, String.valueOf(Math.max(MIN_SEGMENT_BYTES,
                    Math.min(1L << 30, perPartition / 4))));
        }
        return out;
    }
}
