package io.yolostream.detector.service;

import io.yolostream.detector.avro.Detection;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.metrics.KafkaMetric;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Group commit on the embedded broker: while one transaction cannot commit (held here at its commit), the loop goes
 * on inferring, up to {@link DetectLoop#MAX_WAITING_BATCHES} batches, and those go together in the next transaction;
 * still one record per frame, in order.
 */
class GroupCommitIT {

    @Test
    void batchesInferredWhileACommitIsHeldGoTogetherInTheNextTransaction() throws Exception {
        DetectTestKit.Topics t = DetectTestKit.Topics.create(1);
        List<String> cameras = List.of("g1", "g2", "g3");
        int n = DetectTestKit.publish(t.frames(), cameras, 12); // 36 frames: 9 full batches of 4
        Map<String, String> flags = DetectTestKit.flags(t, "group");
        flags.put("max-age-ms", "0");
        flags.put("max-wait-ms", "10000"); // every batch waits for 4 frames: the sizes below are exact
        CountDownLatch release = new CountDownLatch(1);
        List<Integer> recordsPerTransaction = new CopyOnWriteArrayList<>();
        try (DetectService svc = new DetectService(DetectTestKit.config(flags),
                c -> new HeldCommits(KafkaSetup.producer(c), release, recordsPerTransaction))) {
            await("the first batch and " + DetectLoop.MAX_WAITING_BATCHES + " more inferred while its commit is held")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> svc.metrics().batches() >= 1 + DetectLoop.MAX_WAITING_BATCHES);
            release.countDown();
            List<Detection> all = DetectTestKit.detections(DetectTestKit.settled(t, t.detections()));
            assertEquals(n, all.size());
            Map<String, List<Long>> sequences = new HashMap<>();
            all.forEach(d -> sequences.computeIfAbsent(d.getCameraId(), c -> new ArrayList<>()).add(d.getSequence()));
            for (String c : cameras) {
                assertEquals(LongStream.range(0, 12).boxed().toList(), sequences.get(c), c);
            }
            assertEquals(9, svc.metrics().batches());
            assertEquals(4, recordsPerTransaction.get(0), () -> "transactions: " + recordsPerTransaction);
            assertEquals(4 * DetectLoop.MAX_WAITING_BATCHES, recordsPerTransaction.get(1),
                    () -> "the batches that waited go in one transaction: " + recordsPerTransaction);
            assertEquals(n, recordsPerTransaction.stream().mapToInt(Integer::intValue).sum());
            assertTrue(recordsPerTransaction.size() < 9, () -> "fewer transactions than batches: "
                    + recordsPerTransaction);
        }
    }

    /** A real transactional producer whose commits wait for {@code release}; counts the records of each. */
    private static final class HeldCommits implements Producer<String, byte[]> {
        private final Producer<String, byte[]> kafka;
        private final CountDownLatch release;
        private final List<Integer> recordsPerTransaction;
        private int sent;

        HeldCommits(Producer<String, byte[]> kafka, CountDownLatch release, List<Integer> recordsPerTransaction) {
            this.kafka = kafka;
            this.release = release;
            this.recordsPerTransaction = recordsPerTransaction;
        }

        @Override
        public void commitTransaction() {
            try {
                if (!release.await(120, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the test never released the commit");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            kafka.commitTransaction();
            recordsPerTransaction.add(sent);
        }

        @Override
        public void beginTransaction() {
            sent = 0;
            kafka.beginTransaction();
        }

        @Override
        public Future<RecordMetadata> send(ProducerRecord<String, byte[]> record) {
            sent++;
            return kafka.send(record);
        }

        @Override
        public Future<RecordMetadata> send(ProducerRecord<String, byte[]> record, Callback callback) {
            sent++;
            return kafka.send(record, callback);
        }

        @Override
        public void initTransactions() {
            kafka.initTransactions();
        }

        @Override
        public void sendOffsetsToTransaction(Map<TopicPartition, OffsetAndMetadata> offsets,
                                             ConsumerGroupMetadata group) {
            kafka.sendOffsetsToTransaction(offsets, group);
        }

        @Override
        public void abortTransaction() {
            kafka.abortTransaction();
        }

        @Override
        public void registerMetricForSubscription(KafkaMetric metric) {
            kafka.registerMetricForSubscription(metric);
        }

        @Override
        public void unregisterMetricFromSubscription(KafkaMetric metric) {
            kafka.unregisterMetricFromSubscription(metric);
        }

        @Override
        public void flush() {
            kafka.flush();
        }

        @Override
        public List<PartitionInfo> partitionsFor(String topic) {
            return kafka.partitionsFor(topic);
        }

        @Override
        public Map<MetricName, ? extends Metric> metrics() {
            return kafka.metrics();
        }

        @Override
        public Uuid clientInstanceId(Duration timeout) {
            return kafka.clientInstanceId(timeout);
        }

        @Override
        public void close() {
            kafka.close();
        }

        @Override
        public void close(Duration timeout) {
            kafka.close(timeout);
        }
    }
}
