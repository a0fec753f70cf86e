package io.yolostream.ingest.publish;

import io.yolostream.ingest.service.IngestConfig;
import io.yolostream.kafka.TopicAdmin;
import io.yolostream.kafka.embedded.EmbeddedKafka;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The frames topic gets the configured retention (time and bytes), created or already there. */
class FramesRetentionIT {
    private static final EmbeddedKafka KAFKA = EmbeddedKafka.shared();

    private static PublisherConfig config(String topic, int partitions) {
        return PublisherConfig.defaults(KAFKA.bootstrapServers()).withTopic(topic)
                .withPartitions(partitions, (short) 1);
    }

    private static String config(TopicAdmin admin, String topic, String name) {
        return admin.config(topic, name);
    }

    @Test
    void aNewTopicIsCreatedWithTheRetentionAndAnExistingOneGetsIt() {
        String fresh = KAFKA.uniqueTopic("frames-retained");
        // what the all-in-one sets: 60 minutes, 2 GiB for the whole topic
        Properties file = new Properties();
        file.setProperty("frames-retention-minutes", "60");
        file.setProperty("frames-retention-mb", "2048");
        file.setProperty("bootstrap-servers", KAFKA.bootstrapServers());
        file.setProperty("topic", fresh);
        file.setProperty("partitions", "4");
        PublisherConfig fromKeys = IngestConfig.resolve(file, Map.of(), Map.of()).publisherConfig();
        try (FramePublisher ignored = new FramePublisher(fromKeys);
             TopicAdmin admin = TopicAdmin.connect(KAFKA.bootstrapServers(), Map.of(), 30_000)) {
            assertEquals("3600000", config(admin, fresh, "retention.ms"));
            assertEquals(String.valueOf((2048L << 20) / 4), config(admin, fresh, "retention.bytes"),
                    "the topic's budget split over its 4 partitions");
            assertEquals(String.valueOf((2048L << 20) / 16), config(admin, fresh, "segment.bytes"),
                    "segments of a quarter of a partition's share, so that deletion can act");
            assertEquals("900000", config(admin, fresh, "segment.ms"));
            assertEquals("compact", config(admin, fresh + ".publishers", "cleanup.policy"));
        }

        String existing = KAFKA.uniqueTopic("frames-existing");
        try (FramePublisher ignored = new FramePublisher(config(existing, 2))) {
            // created without a retention: the broker's default (unbounded bytes)
        }
        try (TopicAdmin admin = TopicAdmin.connect(KAFKA.bootstrapServers(), Map.of(), 30_000)) {
            assertEquals("-1", config(admin, existing, "retention.bytes"));
        }
        try (FramePublisher ignored = new FramePublisher(config(existing, 2)
                .withRetention(10 * 60_000L, 256L << 20));
             TopicAdmin admin = TopicAdmin.connect(KAFKA.bootstrapServers(), Map.of(), 30_000)) {
            assertEquals("600000", config(admin, existing, "retention.ms"));
            assertEquals(String.valueOf(128L << 20), config(admin, existing, "retention.bytes"));
        }
    }
}
