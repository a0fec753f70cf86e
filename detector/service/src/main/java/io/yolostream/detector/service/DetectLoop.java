package io.yolostream.detector.service;

import io.yolostream.detector.YoloDetector;
import io.yolostream.detector.batch.ArrivalRate;
import io.yolostream.detector.batch.Batch;
import io.yolostream.detector.batch.BatchContext;
import io.yolostream.detector.batch.Batcher;
import io.yolostream.detector.batch.CostModel;
import io.yolostream.detector.batch.ResolutionPolicy;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The consumer loop: poll → batcher → (worker pool) JPEG decode + letterbox → inference → one transaction per batch
 * holding its detection records, DLQ records and consumed offsets (EOS v2). Batch k+1 is prepared while batch k
 * infers. On a rebalance or an aborted transaction every polled-but-uncommitted record is dropped and its partition
 * sought back, so the partition's owner reads it again from the committed offset: nothing lost, nothing twice.
 */
final class DetectLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(DetectLoop.class);

    private final DetectConfig config;
    private final YoloDetector detector;
    private final DetectionRecords factory;
    private final DetectMetrics metrics;
    private final ResolutionPolicy policy;
    private final CostModel costs;
    private final Consumer<String, byte[]> consumer;
    private final Producer<String, byte[]> producer;
    private final BatchPreparer preparer;
    private final Batcher<Incoming> batcher;
    private final ArrivalRate rate = new ArrivalRate(5_000);
    private final String detectionsTopic;
    private final String dlqTopic;
    private volatile boolean running = true;
    private volatile boolean stopped;
    private volatile Throwable failure;
    private CompletableFuture<PreparedBatch> inFlight;
    private long lag;

    DetectLoop(DetectConfig config, YoloDetector detector, DetectionRecords factory, DetectMetrics metrics,
               ResolutionPolicy policy, CostModel costs, Consumer<String, byte[]> consumer,
               Producer<String, byte[]> producer, BatchPreparer preparer) {
        this.config = config;
        this.detector = detector;
        this.factory = factory;
        this.metrics = metrics;
        this.policy = policy;
        this.costs = costs;
        this.consumer = consumer;
        this.producer = producer;
        this.preparer = preparer;
        this.batcher = new Batcher<>(config.get(DetectConfig.MAX_BATCH), config.get(DetectConfig.MAX_WAIT_MS));
        this.detectionsTopic = config.get(DetectConfig.DETECTIONS_TOPIC);
        this.dlqTopic = config.get(DetectConfig.DLQ_TOPIC);
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(List.of(config.get(DetectConfig.FRAMES_TOPIC)), new Rebalance());
            while (running) {
                try {
                    step();
                } catch (WakeupException e) {
                    if (running) {
                        throw e;
                    }
                }
            }
            drain();
        } catch (Throwable t) {
            failure = t;
            LOG.error("detector loop stopped: " + t.getMessage(), t);
        } finally {
            stopped = true;
        }
    }

    /** Asks the loop to finish the batches it holds, commit and return. */
    void stop() {
        running = false;
        consumer.wakeup();
    }

    boolean isRunning() {
        return !stopped;
    }

    Throwable failure() {
        return failure;
    }

    private static long now() {
        return System.nanoTime() / 1_000_000;
    }

    private void step() throws InterruptedException {
        long wait = inFlight != null ? 0 : Math.min(100, batcher.timeUntilDue(now()));
        ConsumerRecords<String, byte[]> polled = consumer.poll(Duration.ofMillis(wait));
        long now = now();
        for (ConsumerRecord<String, byte[]> r : polled) {
            batcher.add(Incoming.of(r), now);
        }
        rate.record(now, polled.count());
        updateLag();
        if (inFlight == null) {
            startNextIfDue(false);
            return;
        }
        PreparedBatch ready;
        try {
            ready = inFlight.get(Math.max(1, Math.min(20, batcher.timeUntilDue(now))), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return;
        } catch (ExecutionException e) {
            throw new DetectException("preparing a batch failed: " + e.getCause(), e.getCause());
        }
        inFlight = null;
        startNextIfDue(false); // batch k+1 decodes and letterboxes while batch k infers
        runAndCommit(ready);
    }

    private void updateLag() {
        long sum = 0;
        for (TopicPartition tp : consumer.assignment()) {
            sum += consumer.currentLag(tp).orElse(0);
        }
        lag = sum;
        metrics.lag(sum);
    }

    private void startNextIfDue(boolean force) {
        long now = now();
        Optional<Batch<Incoming>> next = force ? batcher.flush(now) : batcher.nextBatch(now);
        if (next.isEmpty()) {
            return;
        }
        Batch<Incoming> b = next.get();
        long wall = System.currentTimeMillis();
        int runnable = 0;
        long oldest = b.waitedMs(now);
        for (Incoming in : b.items()) {
            if (in.kind() == Incoming.Kind.FRAME && !preparer.isStale(in, wall)) {
                runnable++;
                if (in.frame().getSource() == io.yolostream.ingest.avro.SourceKind.LIVE) {
                    oldest = Math.max(oldest, wall - in.frame().getCaptureTime().toEpochMilli());
                }
            }
        }
        int size = runnable == 0 ? 0
                : policy.choose(new BatchContext(runnable, now, oldest, lag + batcher.size(), rate.perSecond(now)));
        inFlight = preparer.prepare(b.items(), size, wall);
    }

    private void runAndCommit(PreparedBatch b) {
        List<List<io.yolostream.detector.decode.DetectedBox>> found = List.of();
        float inferMs = 0;
        float decodeMs = 0;
        if (b.runCount() > 0) {
            try {
                long t0 = System.nanoTime();
                FloatBuffer out = detector.infer(b.input(), b.runCount(), b.size(), b.size());
                long t1 = System.nanoTime();
                found = detector.decode(out, b.images(), b.size(), b.size());
                long t2 = System.nanoTime();
                costs.record(b.runCount(), b.size(), (t2 - t0) / 1e6);
                metrics.batch(b.runCount(), b.size());
                metrics.stageNanos(b.jpegNanos(), b.preprocessNanos(), t1 - t0, t2 - t1);
                inferMs = (t1 - t0) / 1e6f;
                decodeMs = (t2 - t1) / 1e6f / b.runCount();
            } finally {
                preparer.release(b);
            }
        }
        BatchOutput out = BatchOutput.of(b, found, inferMs, decodeMs, factory, detectionsTopic, dlqTopic);
        commit(out);
    }

    private void commit(BatchOutput out) {
        long t0 = System.nanoTime();
        try {
            producer.beginTransaction();
            for (BatchOutput.Out o : out.records) {
                producer.send(o.record());
            }
            producer.sendOffsetsToTransaction(out.offsets, consumer.groupMetadata());
            producer.commitTransaction();
        } catch (ProducerFencedException e) {
            throw new DetectException("transactional id " + config.transactionalId() + ": expected to own it, found"
                    + " another detector using it (give each instance its own instance-id); stopping", e);
        } catch (OutOfOrderSequenceException | AuthorizationException e) {
            throw new DetectException("producer failed fatally: " + e, e);
        } catch (KafkaException e) {
            LOG.warn("transaction failed, aborting and reading again from the committed"
                    + " offsets: " + e);
            metrics.error("transaction");
            metrics.aborted();
            producer.abortTransaction();
            rewindToCommitted();
            return;
        }
        metrics.transactionNanos(System.nanoTime() - t0);
        for (BatchOutput.Out o : out.records) {
            if (o.camera() != null) {
                metrics.frame(o.camera(), o.status());
            } else {
                metrics.error(o.record().topic().equals(dlqTopic) ? "dead-letter" : "other");
            }
        }
    }

    /** Drops every polled-but-uncommitted record; returns the first dropped offset per partition. */
    private Map<TopicPartition, Long> dropPending() {
        Map<TopicPartition, Long> first = new HashMap<>();
        if (inFlight != null) {
            try {
                PreparedBatch b = inFlight.join();
                preparer.release(b);
                b.slots().forEach(s -> first.merge(s.in().partition(), s.in().record().offset(), Math::min));
            } catch (RuntimeException e) {
                LOG.warn("dropping a batch whose preparation failed: " + e);
            }
            inFlight = null;
        }
        batcher.removeIf(in -> {
            first.merge(in.partition(), in.record().offset(), Math::min);
            return true;
        });
        return first;
    }

    private void rewindToCommitted() {
        dropPending();
        Set<TopicPartition> assigned = consumer.assignment();
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(assigned);
        for (TopicPartition tp : assigned) {
            OffsetAndMetadata o = committed.get(tp);
            if (o != null) {
                consumer.seek(tp, o);
            } else {
                consumer.seekToBeginning(List.of(tp));
            }
        }
    }

    /** Graceful stop: run what was polled, commit, and leave the rest to the partitions' next owner. */
    private void drain() {
        if (inFlight != null) {
            PreparedBatch b = inFlight.join();
            inFlight = null;
            runAndCommit(b);
        }
        while (!batcher.isEmpty()) {
            startNextIfDue(true);
            PreparedBatch b = inFlight.join();
            inFlight = null;
            runAndCommit(b);
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
            // no transaction is open during poll; what is pending belongs to the committed offsets' next reader
            Map<TopicPartition, Long> first = dropPending();
            Set<TopicPartition> kept = new HashSet<>(consumer.assignment());
            kept.removeAll(revoked);
            first.forEach((tp, offset) -> {
                if (kept.contains(tp)) {
                    consumer.seek(tp, offset);
                }
            });
            metrics.assigned(kept.size());
            LOG.info("partitions revoked: {}", revoked);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
            metrics.assigned(consumer.assignment().size());
            LOG.info("partitions assigned: {}", assigned);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> lost) {
            onPartitionsRevoked(lost);
        }
    }
}
