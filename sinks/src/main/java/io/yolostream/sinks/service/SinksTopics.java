package io.yolostream.sinks.service;

import io.yolostream.kafka.TopicAdmin;
import io.yolostream.sinks.common.SinksException;
import io.yolostream.sinks.config.SinksConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.TopicConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Start-up checks: a broker within the start-up timeout and the detections topic (waited for, since the detector
 * creates it); the output topics created when missing with as many partitions as detections (every topic is keyed
 * by camera id). When annotating, the frames topic must have as many partitions as detections (created so when
 * missing). When tracking, the zones topic is created compacted with one partition. Kafka Streams creates only its
 * internal topics itself.
 */
final class SinksTopics {
    private SinksTopics() {
    }

    static void checkAndCreate(SinksConfig c) {
        String servers = c.get(SinksConfig.BOOTSTRAP_SERVERS);
        int timeout = c.get(SinksConfig.STARTUP_TIMEOUT_MS);
        long deadline = System.currentTimeMillis() + timeout;
        try (TopicAdmin admin = TopicAdmin.connect(servers, c.kafkaOverrides(), timeout)) {
            TopicDescription detections = admin.await(c.detectionsTopic(), deadline, "the detect service creates it");
            int partitions = detections.partitions().size();
            short replication = c.get(SinksConfig.REPLICATION).shortValue();
            List<NewTopic> topics = new ArrayList<>();
            if (c.readsFrames()) {
                TopicDescription frames = admin.describe(c.framesTopic());
                if (frames == null) {
                    // ingest creates it normally (before the detector creates detections); a sinks started on
                    // detections alone still starts, and ingest will use this one
                    topics.add(new NewTopic(c.framesTopic(), partitions, replication));
                } else if (frames.partitions().size() != partitions) {
                    // the annotator pairs a camera's frames and detections in one task
                    throw new SinksException("frames topic '" + c.framesTopic() + "' on " + servers + ": expected "
                            + partitions + " partitions like '" + c.detectionsTopic() + "' (the annotator pairs a"
                            + " camera's frames and detections), found " + frames.partitions().size()
                            + "; or set annotate-cameras=off and no snapshot-dir");
                }
            }
            for (String t : c.outputTopics()) {
                topics.add(new NewTopic(t, partitions, replication));
            }
            if (c.tracking()) {
                // read whole by every instance (a global store): one partition, compacted (the latest per zone)
                topics.add(new NewTopic(c.zonesTopic(), 1, replication).configs(Map.of(
                        TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
            }
            admin.createMissing(topics);
        }
    }
}
