package io.yolostream.detector.service;

import io.yolostream.detector.YoloDetector;
import io.yolostream.detector.batch.ArrivalRate;
import io.yolostream.detector.batch.Batch;
import io.yolostream.detector.batch.BatchContext;
import io.yolostream.detector.batch.Batcher;
import io.yolostream.detector.batch.CostModel;
import io.yolostream.detector.batch.ResolutionPolicy;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
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
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The consumer loop: poll → batcher → (worker pool) JPEG decode + letterbox → inference → transactions holding the
 * detection records, DLQ records and consumed offsets (EOS v2). Batches are in the air at once: batch k+1 is prepared
 * while batch k infers, and earlier batches commit on the committer thread (a commit is round trips to the broker,
 * which would otherwise leave the model idle). With prepare-overlap off (the default when inference uses
 * every core and its threads cannot be given priority, {@link InferencePriority}) batch k+1 is prepared right after
 * batch k inferred, while k commits.
 *
 * <p>Group commit: at most one transaction is open, and the batches inferred while it commits wait and then go
 * together in the next one (up to {@link #MAX_WAITING_BATCHES}, beyond which the loop waits), so a commit slower than
 * a batch's inference (its threads below inference's priority, a remote broker) costs no inference time and the
 * transactions per second adapt to the commit's latency. On a rebalance the waiting batches are committed before
 * the partitions go. On an aborted transaction every polled-but-uncommitted record is dropped and
 * its partition sought back, so the partition's owner reads it again from the committed offset: nothing lost,
 * nothing twice.
 */
final class DetectLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(DetectLoop.class);
    /**
     * Inferred batches that wait for the transaction in flight to end; more and the loop waits for it (bounds what an
     * abort throws away).
     */
    static final int MAX_WAITING_BATCHES = 4;

    private final DetectConfig config;
    private final YoloDetector detector;
    private final DetectionRecords factory;
    private final DetectMetrics metrics;
    private final ResolutionPolicy policy;
    private final CostModel costs;
    private final Consumer<String, byte[]> consumer;
    /** Replaced (on the committer thread) when the broker fenced it; read by the service to close it. */
    private volatile Producer<String, byte[]> producer;
    private final Supplier<Producer<String, byte[]>> newProducer;
    private final long transactionTimeoutNanos;
    private final BatchPreparer preparer;
    /** Prepare batch k+1 while batch k infers (see {@link DetectConfig#PREPARE_OVERLAP}); else one after the other. */
    private final boolean overlap;
    private final Batcher<Incoming> batcher;
    private final ArrivalRate rate = new ArrivalRate(5_000);
    private final String detectionsTopic;
    private final String dlqTopic;
    private volatile boolean running = true;
    private volatile boolean stopped;
    private volatile Throwable failure;
    private CompletableFuture<PreparedBatch> inFlight;
    /** The transaction being committed on {@link #committer}: true = committed, false = aborted. */
    private CompletableFuture<Boolean> committing;
    /** First offset per partition of the batches in {@link #committing}: where to seek back should it abort. */
    private Map<TopicPartition, Long> committingFirst = Map.of();
    /** Inferred batches not yet handed to the committer, in order: the next transaction's. */
    private final List<Inferred> waiting = new ArrayList<>();
    private final ExecutorService committer;
    private long lag;

    DetectLoop(DetectConfig config, YoloDetector detector, DetectionRecords factory, DetectMetrics metrics,
               ResolutionPolicy policy, CostModel costs, Consumer<String, byte[]> consumer,
               Producer<String, byte[]> producer, Supplier<Producer<String, byte[]>> newProducer,
               Duration transactionTimeout, BatchPreparer preparer, boolean backgroundLowered) {
        this.config = config;
        this.detector = detector;
        this.factory = factory;
        this.metrics = metrics;
        this.policy = policy;
        this.costs = costs;
        this.consumer = consumer;
        this.producer = producer;
        this.newProducer = newProducer;
        this.transactionTimeoutNanos = transactionTimeout.toNanos();
        this.preparer = preparer;
        this.overlap = config.prepareOverlap(detector.provider().startsWith("CUDA"), backgroundLowered);
        this.batcher = new Batcher<>(config.get(DetectConfig.MAX_BATCH), config.get(DetectConfig.MAX_WAIT_MS));
        this.detectionsTopic = config.get(DetectConfig.DETECTIONS_TOPIC);
        this.dlqTopic = config.get(DetectConfig.DLQ_TOPIC);
        this.committer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "detector-commit");
            t.setDaemon(true);
            return t;
        });
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
            committer.shutdown(); // after a failure a commit may still be running: let it end before the producer closes
            try {
                committer.awaitTermination(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
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

    /** The transactional producer in use now (a new one after a fence); the service closes it after the loop. */
    Producer<String, byte[]> producer() {
        return producer;
    }

    Throwable failure() {
        return failure;
    }

    private static long now() {
        return System.nanoTime() / 1_000_000;
    }

    private void step() throws InterruptedException {
        if (committing == null || committing.isDone()) {
            commitWaiting(); // an abort must rewind now, and waiting batches go as soon as the committer is free
        }
        long wait = inFlight != null ? 0 : Math.min(100, batcher.timeUntilDue(now()));
        if (!waiting.isEmpty()) {
            wait = Math.min(wait, 5); // back soon: the waiting batches go once the committer is free
        }
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
        if (overlap) {
            startNextIfDue(false); // batch k+1 decodes and letterboxes while batch k infers
            runAndCommit(ready);
        } else {
            // inference has every core to itself, then the workers have them for the next batch
            runAndCommit(ready);
            startNextIfDue(false);
        }
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
                found = detector.decode(out, b.frameWidths(), b.frameHeights(), b.size(), b.size());
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
        Map<TopicPartition, Long> first = new HashMap<>();
        b.slots().forEach(s -> first.merge(s.in().partition(), s.in().record().offset(), Math::min));
        // the consumer is not thread-safe: its group metadata is read here, on the loop thread
        waiting.add(new Inferred(out, consumer.groupMetadata(), first));
        if (committing == null || committing.isDone() || waiting.size() >= MAX_WAITING_BATCHES) {
            commitWaiting(); // else the committer is busy: this batch goes with the next transaction, inference goes on
        }
    }

    /** An inferred batch's records and offsets, with the group metadata and the first offsets its commit needs. */
    private record Inferred(BatchOutput out, ConsumerGroupMetadata group, Map<TopicPartition, Long> first) {
    }

    /**
     * Waits for the transaction in flight, if any; when it committed, hands the waiting batches to the committer as
     * the next transaction. When it aborted, everything uncommitted was dropped and sought back.
     */
    private void commitWaiting() {
        if (awaitCommit() && !waiting.isEmpty()) {
            startCommit();
        }
    }

    /**
     * Starts one transaction for the leading waiting batches that share a group generation (a rebalance between two
     * batches splits them: each transaction's offsets are committed with the metadata they were read under).
     */
    private void startCommit() {
        ConsumerGroupMetadata group = waiting.get(0).group();
        List<BatchOutput> outs = new ArrayList<>();
        Map<TopicPartition, Long> first = new HashMap<>();
        while (!waiting.isEmpty() && waiting.get(0).group().equals(group)) {
            Inferred i = waiting.remove(0);
            outs.add(i.out());
            i.first().forEach((tp, offset) -> first.merge(tp, offset, Math::min));
        }
        committingFirst = first;
        committing = CompletableFuture.supplyAsync(() -> commit(outs, group), committer);
    }

    /**
     * Waits for the transaction on the committer thread, if any. When it aborted, every polled-but-uncommitted record
     * is dropped and the partitions are sought back to their committed offsets.
     *
     * @return false when it aborted
     */
    private boolean awaitCommit() {
        Boolean ok = joinCommit();
        if (ok == null || ok) {
            return true;
        }
        rewindToCommitted();
        return false;
    }

    /** Waits for the transaction in flight: null when there was none, else whether it committed. */
    private Boolean joinCommit() {
        if (committing == null) {
            return null;
        }
        try {
            return committing.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r; // fatal (fenced, authorization): the loop stops
            }
            throw e;
        } finally {
            committing = null;
        }
    }

    /**
     * Runs on the committer thread; true when committed, false when aborted (the loop then reads again). A producer
     * left unusable (fenced because its transaction outlived the transaction timeout while this process was paused
     * or cut off from Kafka, or in a fatal state after a failed abort) is replaced by a new one with the same
     * transactional id, whose {@code initTransactions} aborts whatever the old one left open: the service rejoins
     * instead of stopping. A fence that comes sooner than the timeout means another live instance uses the id.
     */
    private boolean commit(List<BatchOutput> outs, ConsumerGroupMetadata group) {
        long t0 = System.nanoTime();
        Producer<String, byte[]> p = producer;
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (BatchOutput out : outs) {
            out.offsets.forEach((tp, o) -> offsets.merge(tp, o, BatchOutput::later));
        }
        try {
            p.beginTransaction();
            for (BatchOutput out : outs) {
                for (BatchOutput.Out o : out.records) {
                    p.send(o.record());
                }
            }
            p.sendOffsetsToTransaction(offsets, group);
            p.commitTransaction();
        } catch (ProducerFencedException e) {
            long openNanos = System.nanoTime() - t0;
            if (openNanos < transactionTimeoutNanos) {
                throw new DetectException("transactional id " + config.transactionalId() + ": expected to own it,"
                        + " found another detector using it (give each instance its own instance-id); stopping", e);
            }
            LOG.warn("transaction open for {} s, past the transaction timeout ({} s): this process was paused or cut"
                    + " off from Kafka, and the broker aborted the transaction and fenced its producer ({}); its"
                    + " frames are read again from the committed offsets, with a new producer",
                    seconds(openNanos), seconds(transactionTimeoutNanos), e.getMessage());
            metrics.error("fenced");
            metrics.aborted();
            replaceProducer(p);
            return false;
        } catch (AuthorizationException e) {
            throw new DetectException("producer failed fatally: " + e, e);
        } catch (OutOfOrderSequenceException | IllegalStateException e) {
            // fatal for this producer, not for the service: nothing of the transaction is committed
            LOG.warn("transactional producer unusable ({}); reading again from the committed offsets with a new"
                    + " producer", e.toString());
            metrics.error("transaction");
            metrics.aborted();
            replaceProducer(p);
            return false;
        } catch (KafkaException e) {
            LOG.warn("transaction failed, aborting and reading again from the committed"
                    + " offsets: " + e);
            metrics.error("transaction");
            metrics.aborted();
            try {
                p.abortTransaction();
            } catch (KafkaException | IllegalStateException abortFailed) {
                LOG.warn("aborting failed too ({}); a new producer aborts what this one left open",
                        abortFailed.toString());
                replaceProducer(p);
            }
            return false;
        }
        metrics.transactionNanos(System.nanoTime() - t0);
        for (BatchOutput out : outs) {
            for (BatchOutput.Out o : out.records) {
                if (o.camera() != null) {
                    metrics.frame(o.camera(), o.status());
                } else {
                    metrics.error(o.record().topic().equals(dlqTopic) ? "dead-letter" : "other");
                }
            }
        }
        return true;
    }

    /**
     * Closes {@code old} and opens a new producer with the same transactional id, retrying (backing off up to 10 s)
     * while Kafka cannot be reached; only an authorization failure or a stop request ends the retries.
     */
    private void replaceProducer(Producer<String, byte[]> old) {
        try {
            old.close(Duration.ZERO);
        } catch (RuntimeException e) {
            LOG.debug("closing the old producer: " + e);
        }
        long backoffMs = 500;
        while (true) {
            Producer<String, byte[]> p = null;
            try {
                p = newProducer.get();
                p.initTransactions();
                producer = p;
                metrics.producerRestarted();
                LOG.info("new transactional producer for {} ready", config.transactionalId());
                return;
            } catch (KafkaException e) {
                if (p != null) {
                    p.close(Duration.ZERO);
                }
                if (e instanceof AuthorizationException || !running) {
                    throw new DetectException("transactional producer " + config.transactionalId() + ": expected a"
                            + " new one to start, found: " + e, e);
                }
                LOG.warn("a new transactional producer for {} failed to start ({}); again in {} ms",
                        config.transactionalId(), e.toString(), backoffMs);
                try {
                    Thread.sleep(backoffMs);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new DetectException("interrupted while starting a new producer", ie);
                }
                backoffMs = Math.min(10_000, backoffMs * 2);
            }
        }
    }

    private static String seconds(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.1f", nanos / 1e9);
    }

    /** Drops every polled-but-uncommitted record; returns the first dropped offset per partition. */
    private Map<TopicPartition, Long> dropPending() {
        Map<TopicPartition, Long> first = new HashMap<>();
        for (Inferred i : waiting) {
            i.first().forEach((tp, offset) -> first.merge(tp, offset, Math::min));
        }
        waiting.clear();
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
        while (awaitCommit() && !waiting.isEmpty()) {
            startCommit();
        }
        // an abort leaves the records to the partitions' next owner
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
            // the transaction in flight and the batches waiting for it are committed before the partitions go: their
            // offsets are the next owner's start
            Map<TopicPartition, Long> aborted = Map.of();
            while (true) {
                if (Boolean.FALSE.equals(joinCommit())) {
                    aborted = committingFirst;
                    break;
                }
                if (waiting.isEmpty()) {
                    break;
                }
                startCommit();
            }
            Map<TopicPartition, Long> first = dropPending();
            aborted.forEach((tp, offset) -> first.merge(tp, offset, Math::min));
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
