package io.yolostream.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The one topic-setup helper of the services: a broker within the start-up timeout, topics described, awaited,
 * created when missing (another instance creating the same topic at the same time is fine) and their limits raised.
 * Every failure is a {@link KafkaSetupException} naming the broker, the topic and what was expected.
 */
public final class TopicAdmin implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TopicAdmin.class);

    private final Admin admin;
    private final String servers;
    private final int timeoutMs;

    private TopicAdmin(Admin admin, String servers, int timeoutMs) {
        this.admin = admin;
        this.servers = servers;
        this.timeoutMs = timeoutMs;
    }

    /**
     * An admin client on {@code servers} (with the service's {@code kafka.*} overrides), once a broker answered
     * within {@code timeoutMs}.
     */
    public static TopicAdmin connect(String servers, Map<String, ?> overrides, int timeoutMs) {
        Map<String, Object> props = new HashMap<>(overrides);
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(timeoutMs, 10_000));
        Admin admin = Admin.create(props);
        TopicAdmin t = new TopicAdmin(admin, servers, timeoutMs);
        try {
            t.call("a reachable broker within " + timeoutMs + " ms (startup-timeout-ms)",
                    () -> admin.describeCluster().nodes().get(timeoutMs, TimeUnit.MILLISECONDS));
        } catch (RuntimeException e) {
            admin.close();
            throw e;
        }
        return t;
    }

    public Admin admin() {
        return admin;
    }

    public String servers() {
        return servers;
    }

    /** The topic's description, or null when there is no such topic. */
    public TopicDescription describe(String topic) {
        return call("to describe topic '" + topic + "'", () -> {
            try {
                return admin.describeTopics(List.of(topic)).allTopicNames().get(timeoutMs, TimeUnit.MILLISECONDS)
                        .get(topic);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                    return null;
                }
                throw e;
            }
        });
    }

    /** The topic's description, once it exists (another service creates it); {@code why} ends the error. */
    public TopicDescription await(String topic, long deadlineMillis, String why) {
        // list, not describe: describing a missing topic retries inside the admin client until its own timeout
        while (!names().contains(topic)) {
            if (System.currentTimeMillis() >= deadlineMillis) {
                throw new KafkaSetupException("topic '" + topic + "' on " + servers + ": expected it to exist within"
                        + " startup-timeout-ms (" + why + "), found no such topic");
            }
            sleep(200);
        }
        return describe(topic);
    }

    public Set<String> names() {
        return call("to list topics", () -> admin.listTopics().names().get(timeoutMs, TimeUnit.MILLISECONDS));
    }

    /** Creates those of {@code topics} that do not exist; returns the names created. */
    public List<String> createMissing(List<NewTopic> topics) {
        Set<String> existing = names();
        List<NewTopic> create = topics.stream().filter(t -> !existing.contains(t.name())).toList();
        List<String> created = new ArrayList<>();
        for (NewTopic t : create) {
            call("to create topic '" + t.name() + "'", () -> {
                try {
                    admin.createTopics(List.of(t)).all().get(timeoutMs, TimeUnit.MILLISECONDS);
                    created.add(t.name());
                    LOG.info("created topic {} ({} partitions, {} replicas{})", t.name(), t.numPartitions(),
                            t.replicationFactor(), t.configs() == null || t.configs().isEmpty() ? ""
                                    : ", " + t.configs());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
                return null;
            });
        }
        // a topic just created may not be in the broker's metadata yet: a Streams global store started now would
        // find "no partitions available" and stop, so wait (bounded) until every partition has a leader
        long deadline = System.currentTimeMillis() + timeoutMs;
        for (String name : created) {
            while (System.currentTimeMillis() < deadline) {
                TopicDescription d = describe(name);
                if (d != null && !d.partitions().isEmpty()
                        && d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
                    break;
                }
                sleep(100);
            }
        }
        return created;
    }

    /** A topic config's value, or null when it cannot be read. */
    public String config(String topic, String name) {
        try {
            ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config cfg = admin.describeConfigs(List.of(r)).all().get(timeoutMs, TimeUnit.MILLISECONDS).get(r);
            ConfigEntry e = cfg == null ? null : cfg.get(name);
            return e == null ? null : e.value();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException | TimeoutException e) {
            return null;
        }
    }

    /**
     * Raises numeric topic configs that are below {@code atLeast} (e.g. {@code max.message.bytes}); not fatal when
     * it cannot: logged, since records within the current limits still flow.
     */
    public void raise(String topic, Map<String, Long> atLeast) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        List<AlterConfigOp> ops = new ArrayList<>();
        try {
            Config current = admin.describeConfigs(List.of(resource)).all().get(timeoutMs, TimeUnit.MILLISECONDS)
                    .get(resource);
            atLeast.forEach((name, min) -> {
                if (longValue(current, name) < min) {
                    ops.add(new AlterConfigOp(new ConfigEntry(name, String.valueOf(min)), AlterConfigOp.OpType.SET));
                }
            });
            if (!ops.isEmpty()) {
                admin.incrementalAlterConfigs(Map.of(resource, ops)).all().get(timeoutMs, TimeUnit.MILLISECONDS);
                LOG.info("topic {}: raised {}", topic, ops.stream().map(o -> o.configEntry().name() + "="
                        + o.configEntry().value()).toList());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("topic {}: could not check/raise {}: {}", topic, ops.isEmpty() ? atLeast : ops, cause(e));
        }
    }

    /**
     * Sets topic configs that differ from {@code values} (retention, segment sizes); not fatal when it cannot (a
     * broker that refuses the change): logged, the topic keeps its own settings.
     */
    public void set(String topic, Map<String, String> values) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        List<AlterConfigOp> ops = new ArrayList<>();
        try {
            Config current = admin.describeConfigs(List.of(resource)).all().get(timeoutMs, TimeUnit.MILLISECONDS)
                    .get(resource);
            values.forEach((name, value) -> {
                ConfigEntry e = current == null ? null : current.get(name);
                if (e == null || !value.equals(e.value())) {
                    ops.add(new AlterConfigOp(new ConfigEntry(name, value), AlterConfigOp.OpType.SET));
                }
            });
            if (!ops.isEmpty()) {
                admin.incrementalAlterConfigs(Map.of(resource, ops)).all().get(timeoutMs, TimeUnit.MILLISECONDS);
                LOG.info("topic {}: set {}", topic, ops.stream().map(o -> o.configEntry().name() + "="
                        + o.configEntry().value()).toList());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("topic {}: could not set {}: {}", topic, ops.isEmpty() ? values : ops, cause(e));
        }
    }

    @Override
    public void close() {
        admin.close();
    }

    private interface AdminCall<T> {
        T run() throws ExecutionException, InterruptedException, TimeoutException;
    }

    private <T> T call(String expected, AdminCall<T> c) {
        try {
            return c.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaSetupException("Kafka at " + servers + ": interrupted while waiting " + expected, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new KafkaSetupException("Kafka at " + servers + ": expected " + expected + ", found "
                    + cause(e), e);
        }
    }

    private static long longValue(Config config, String name) {
        ConfigEntry entry = config == null ? null : config.get(name);
        if (entry == null || entry.value() == null) {
            return -1;
        }
        try {
            return Long.parseLong(entry.value());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String cause(Exception e) {
        Throwable t = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaSetupException("interrupted while waiting for a topic");
        }
    }
}
