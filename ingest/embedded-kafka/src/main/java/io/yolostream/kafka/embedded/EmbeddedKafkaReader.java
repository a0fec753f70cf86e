package io.yolostream.kafka.embedded;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Reads a whole topic for assertions, with a plain group-less consumer ({@code read_committed}: aborted
 * transactions are skipped, open ones are waited for). Keys are UTF-8 strings (every yolostream topic is keyed by
 * camera id), values raw bytes (decode them with the module's codec). Records come back partition by partition,
 * each partition in offset order.
 */
public final class EmbeddedKafkaReader {
    private static final Duration POLL = Duration.ofMillis(200);

    private EmbeddedKafkaReader() {
    }

    /** Every record committed to {@code topic} at the time of the call. */
    public static List<ConsumerRecord<String, byte[]>> readAll(String bootstrapServers, String topic,
                                                              Duration timeout) {
        try (KafkaConsumer<String, byte[]> consumer = consumer(bootstrapServers)) {
            List<TopicPartition> partitions = partitions(consumer, topic, timeout);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!reached(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("reading " + topic + ": end offsets " + end + " not reached in "
                            + timeout + " (read " + records.size() + " records)");
                }
                consumer.poll(POLL).forEach(records::add);
            }
            return sorted(records);
        }
    }

    /**
     * Polls {@code topic} from the beginning until {@code done} holds for the records read so far, and returns them;
     * fails after {@code timeout}.
     */
    public static List<ConsumerRecord<String, byte[]>> readUntil(String bootstrapServers, String topic,
                                                                Predicate<List<ConsumerRecord<String, byte[]>>> done,
                                                                Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<String, byte[]> consumer = consumer(bootstrapServers)) {
            List<TopicPartition> partitions = partitions(consumer, topic, timeout);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
            while (!done.test(records)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("reading " + topic + ": condition not met in " + timeout + " (read "
                            + records.size() + " records)");
                }
                consumer.poll(POLL).forEach(records::add);
            }
            return sorted(records);
        }
    }

    /**
     * The output of an exactly-once processor, once it has settled: waits until consumer group {@code groupId} has
     * committed offsets at the end of every partition of {@code input} (so every input record's output transaction
     * is committed too: the offsets commit in the same transaction), then reads {@code output} to its end offsets
     * (read_committed: the last stable offsets). Nothing committed later can belong to those inputs, so a duplicate
     * or a missing record shows here, without sleeping on the chance that a late one comes.
     */
    public static List<ConsumerRecord<String, byte[]>> readSettled(String bootstrapServers, String groupId,
                                                                  String input, String output, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
             KafkaConsumer<String, byte[]> consumer = consumer(bootstrapServers)) {
            List<TopicPartition> partitions = partitions(consumer, input, timeout);
            Map<TopicPartition, Long> committed = Map.of();
            Map<TopicPartition, Long> end = Map.of();
            while (true) {
                // end offsets as a read_committed reader sees them: the detector reads frames the same way
                end = consumer.endOffsets(partitions, timeout);
                committed = committedOffsets(admin, groupId, timeout);
                Map<TopicPartition, Long> c = committed;
                // an empty partition (end 0) has nothing to commit
                if (end.entrySet().stream().allMatch(e -> c.getOrDefault(e.getKey(), 0L) >= e.getValue())) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("group " + groupId + " on " + input + ": expected committed offsets at "
                            + end + " within " + timeout + ", found " + committed);
                }
                sleep(100);
            }
            return readAll(bootstrapServers, output, Duration.ofNanos(Math.max(deadline - System.nanoTime(),
                    Duration.ofSeconds(10).toNanos())));
        }
    }

    private static Map<TopicPartition, Long> committedOffsets(Admin admin, String groupId, Duration timeout) {
        try {
            Map<TopicPartition, Long> out = new java.util.HashMap<>();
            admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata()
                    .get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                    .forEach((tp, om) -> {
                        if (om != null) {
                            out.put(tp, om.offset());
                        }
                    });
            return out;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return Map.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while reading the offsets of group " + groupId, e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** At least {@code count} records of {@code topic}. */
    public static List<ConsumerRecord<String, byte[]>> readAtLeast(String bootstrapServers, String topic, int count,
                                                                  Duration timeout) {
        return readUntil(bootstrapServers, topic, r -> r.size() >= count, timeout);
    }

    private static KafkaConsumer<String, byte[]> consumer(String bootstrapServers) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024,
                ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 * 1024 * 1024),
                new StringDeserializer(), new ByteArrayDeserializer());
    }

    private static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            if (infos != null && !infos.isEmpty()) {
                return infos.stream().map(i -> new TopicPartition(topic, i.partition()))
                        .sorted(Comparator.comparingInt(TopicPartition::partition)).toList();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("topic " + topic + " does not exist after " + timeout);
            }
            sleep(100);
        }
    }

    private static boolean reached(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    private static List<ConsumerRecord<String, byte[]>> sorted(List<ConsumerRecord<String, byte[]>> records) {
        records.sort(Comparator.<ConsumerRecord<String, byte[]>>comparingInt(ConsumerRecord::partition)
                .thenComparingLong(ConsumerRecord::offset));
        return records;
    }
}
