package io.yolostream.sinks.service;

import io.yolostream.sinks.common.SinksException;
import io.yolostream.sinks.config.SinksConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Start-up checks: a broker within the start-up timeout and the detections topic (waited for, since the detector
 * creates it); the output topics created when missing with as many partitions as detections (every topic is keyed
 * by camera id). When annotating, the frames topic must have as many partitions as detections (created so when
 * missing). Kafka Streams creates only its internal topics itself.
 */
final class TopicSetup {
    private TopicSetup() {
    }

    static void checkAndCreate(SinksConfig c) {
        String servers = c.get(SinksConfig.BOOTSTRAP_SERVERS);
        int timeout = c.get(SinksConfig.STARTUP_TIMEOUT_MS);
        Map<String, Object> props = new HashMap<>(c.kafkaOverrides());
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeout);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(timeout, 10_000));
        long deadline = System.currentTimeMillis() + timeout;
        try (Admin admin = Admin.create(props)) {
            try {
                admin.describeCluster().nodes().get(timeout, TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                throw new SinksException("Kafka at " + servers + ": expected a reachable broker within " + timeout
                        + " ms (startup-timeout-ms), found none: " + cause(e), e);
            }
            TopicDescription detections = awaitTopic(admin, c.detectionsTopic(), servers, deadline);
            int partitions = detections.partitions().size();
            Set<String> existing = admin.listTopics().names().get(timeout, TimeUnit.MILLISECONDS);
            List<NewTopic> create = new ArrayList<>();
            if (c.readsFrames()) {
                if (existing.contains(c.framesTopic())) {
                    checkCopartitioned(admin, c, partitions, servers);
                } else {
                    // ingest creates it normally (before the detector creates detections); a sinks started on
                    // detections alone still starts, and ingest will use this one
                    create.add(new NewTopic(c.framesTopic(), partitions, c.get(SinksConfig.REPLICATION).shortValue()));
                }
            }
            for (String t : c.outputTopics()) {
                if (!existing.contains(t)) {
                    create.add(new NewTopic(t, partitions, c.get(SinksConfig.REPLICATION).shortValue()));
                }
            }
            if (!create.isEmpty()) {
                try {
                    admin.createTopics(create).all().get(timeout, TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new SinksException("topics " + create.stream().map(NewTopic::name).toList() + " on "
                                + servers + ": expected to create them, found: " + cause(e), e);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SinksException("interrupted while checking Kafka at " + servers, e);
        } catch (TimeoutException | ExecutionException e) {
            throw new SinksException("Kafka at " + servers + ": expected answers within " + timeout + " ms, found: "
                    + cause(e), e);
        }
    }

    /** The annotator pairs a camera's frames and detections in one task: both topics need the same partitions. */
    private static void checkCopartitioned(Admin admin, SinksConfig c, int partitions, String servers)
            throws InterruptedException, TimeoutException, ExecutionException {
        int frames = admin.describeTopics(List.of(c.framesTopic())).allTopicNames().get(10, TimeUnit.SECONDS)
                .get(c.framesTopic()).partitions().size();
        if (frames != partitions) {
            throw new SinksException("frames topic '" + c.framesTopic() + "' on " + servers + ": expected "
                    + partitions + " partitions like '" + c.detectionsTopic() + "' (the annotator pairs a camera's "
                    + "frames and detections), found " + frames + "; or set annotate-cameras=off and no snapshot-dir");
        }
    }

    private static TopicDescription awaitTopic(Admin admin, String topic, String servers, long deadline)
            throws InterruptedException, TimeoutException, ExecutionException {
        // list, not describe: describing a missing topic retries inside the admin client until its own timeout
        while (!admin.listTopics().names().get(10, TimeUnit.SECONDS).contains(topic)) {
            if (System.currentTimeMillis() >= deadline) {
                throw new SinksException("detections topic '" + topic + "' on " + servers + ": expected it to "
                        + "exist within startup-timeout-ms (the detect service creates it), found no such topic");
            }
            Thread.sleep(200);
        }
        return admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic);
    }

    private static String cause(Exception e) {
        Throwable t = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }
}
