package io.yolostream.ingest.publish;

import io.yolostream.kafka.TopicAdmin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Makes sure the frames topic exists and accepts our records: created with the configured partitions when missing;
 * {@code max.message.bytes} at least the producer's {@code max.request.size} (raised on an existing topic when
 * lower); {@code message.timestamp.after.max.ms} unlimited, because a replay at full speed stamps frames with
 * start + pts, which runs ahead of the wall clock (Kafka 4's default rejects records over 1 hour ahead).
 */
final class FramesTopic {
    private static final int TIMEOUT_MS = (int) TimeUnit.SECONDS.toMillis(30);

    private FramesTopic() {
    }

    /** Ensures the topic; returns its partition count. */
    static int ensure(PublisherConfig config, int maxMessageBytes) {
        String topic = config.topic();
        Map<String, Long> limits = Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, (long) maxMessageBytes,
                TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_CONFIG, Long.MAX_VALUE);
        try (TopicAdmin admin = TopicAdmin.connect(config.bootstrapServers(), config.clientOverrides(), TIMEOUT_MS)) {
            NewTopic t = new NewTopic(topic, config.partitions(), config.replicationFactor()).configs(Map.of(
                    TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(maxMessageBytes),
                    TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_CONFIG, String.valueOf(Long.MAX_VALUE)));
            if (admin.createMissing(List.of(t)).isEmpty()) {
                admin.raise(topic, limits); // it existed, or another publisher created it meanwhile
            }
            // metadata of a new topic reaches the broker's cache a moment after CreateTopics returns
            return admin.await(topic, System.currentTimeMillis() + TIMEOUT_MS, "it was just created")
                    .partitions().size();
        }
    }
}
