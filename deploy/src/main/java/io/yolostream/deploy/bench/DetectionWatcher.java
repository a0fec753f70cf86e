package io.yolostream.deploy.bench;

import io.yolostream.detector.avro.Detection;
import io.yolostream.detector.avro.DetectionStatus;
import io.yolostream.detector.schema.DetectionCodec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Reads the detections topic as a downstream consumer would ({@code read_committed}: a record shows up only once
 * its transaction commits) and notes, per (camera, sequence), when the record became visible here. Latency =
 * that moment − the frame's capture time (both this JVM's wall clock). Short fetch waits keep the measurement's own
 * delay to a few milliseconds.
 */
final class DetectionWatcher implements AutoCloseable {
    /** One frame's outcome. */
    record Seen(String camera, long sequence, DetectionStatus status, long latencyMs, long visibleMillis,
                int inputSize, int batchSize) {
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final String topic;
    private final Map<String, Seen> seen = new ConcurrentHashMap<>();
    private final AtomicInteger duplicates = new AtomicInteger();
    private final AtomicLong lastVisible = new AtomicLong();
    private final AtomicReference<Throwable> error = new AtomicReference<>();
    private final Thread thread;
    private volatile boolean running = true;

    DetectionWatcher(String bootstrap, String topic) {
        this.topic = topic;
        this.consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10),
                new StringDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::loop, "bench-detections");
        this.thread.setDaemon(true);
    }

    void start() {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("detections topic " + topic + ": expected it to exist, found none");
        }
        List<TopicPartition> parts = infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
        thread.start();
    }

    private void loop() {
        try {
            while (running) {
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(20));
                long now = System.currentTimeMillis();
                for (ConsumerRecord<String, byte[]> r : records) {
                    Detection d = DetectionCodec.decode(r.value());
                    Seen s = new Seen(d.getCameraId(), d.getSequence(), d.getStatus(),
                            now - d.getCaptureTime().toEpochMilli(), now, d.getInputWidth(), d.getBatchSize());
                    if (seen.putIfAbsent(d.getCameraId() + '#' + d.getSequence(), s) != null) {
                        duplicates.incrementAndGet();
                    }
                    lastVisible.accumulateAndGet(now, Math::max);
                }
            }
        } catch (org.apache.kafka.common.errors.WakeupException e) {
            // closing
        } catch (Throwable t) {
            error.set(t);
        }
    }

    int count() {
        return seen.size();
    }

    int duplicates() {
        return duplicates.get();
    }

    long lastVisibleMillis() {
        return lastVisible.get();
    }

    Throwable error() {
        return error.get();
    }

    /** Every frame seen so far. */
    List<Seen> seen() {
        return new ArrayList<>(seen.values());
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        consumer.close(Duration.ofSeconds(2));
    }
}
