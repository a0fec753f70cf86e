package io.yolostream.ingest.publish;

import io.micrometer.core.instrument.MeterRegistry;
import io.yolostream.ingest.IngestException;
import io.yolostream.ingest.publish.CameraState.Numbering;
import io.yolostream.ingest.source.EncodedFrame;
import io.yolostream.ingest.source.FrameSink;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Publishes frames to the frames topic: key = camera id, value = {@link FrameCodec} single-object Avro, record
 * timestamp = capture time, header {@code yolostream.type}. One idempotent producer ({@code acks=all}) for all
 * cameras; each camera has its own bounded queue drained round-robin by one sender thread ({@link Sender}), so a
 * slow or dead Kafka never blocks a camera thread in {@link #offer}. Sequence numbers are per camera, assigned in
 * send order, and continue from the topic after a restart ({@link SequenceRecovery}). Frames too large for
 * {@code max.request.size} are re-encoded smaller ({@link JpegShrinker}) with a warning. Close it to flush.
 */
public final class FramePublisher implements FrameSink, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FramePublisher.class);
    private final PublisherConfig config;
    private final int maxRequestSize;
    private final int partitions;
    private final KafkaProducer<String, byte[]> producer;
    private final SequenceRecovery recovery;
    private final CameraClaims claims;
    private final ExecutorService recoveryThread;
    private final Map<String, CameraState> cameras = new ConcurrentHashMap<>();
    private final Set<CompletableFuture<Void>> pendingEndOfStreams = ConcurrentHashMap.newKeySet();
    private final PublisherMeters meters;
    private final FrameFitter fitter;
    private final Sender sender;
    private final Thread senderThread;
    private final AtomicBoolean closed = new AtomicBoolean();

    public FramePublisher(PublisherConfig config) {
        this(config, null);
    }

    /** Creates the topic if missing and starts the sender; meters go to {@code registry} when not null. */
    public FramePublisher(PublisherConfig config, MeterRegistry registry) {
        this.config = config;
        this.maxRequestSize = config.effectiveMaxRequestSize();
        this.partitions = FramesTopic.ensure(config, maxRequestSize);
        this.meters = new PublisherMeters(registry);
        this.fitter = new FrameFitter(maxRequestSize);
        this.producer = new KafkaProducer<>(producerProps(), new StringSerializer(), new ByteArraySerializer());
        try {
            this.recovery = new SequenceRecovery(config, maxRequestSize, config.deliveryTimeout());
        } catch (RuntimeException e) {
            producer.close(Duration.ZERO);
            throw e;
        }
        this.claims = new CameraClaims(config);
        this.recoveryThread = Executors.newSingleThreadExecutor(r -> daemon(r, "yolostream-publish-recovery"));
        this.sender = new Sender(producer, config.topic(), config.maxInFlight(),
                Collections.unmodifiableCollection(cameras.values()), this::startRecovery, this::startRenewal,
                meters::latency);
        this.senderThread = daemon(sender, "yolostream-publisher");
        senderThread.start();
        LOG.info("publishing frames to {} on {} ({} partitions, max.request.size {} bytes, {} frames queued per"
                + " camera)", config.topic(), config.bootstrapServers(), partitions, maxRequestSize,
                config.queueCapacity());
    }

    /** Live frame: never blocks; a full queue drops its oldest frame (counted in {@link PublishStats#dropped()}). */
    @Override
    public void offer(EncodedFrame frame) {
        CameraState cam = camera(frame);
        if (closed.get()) {
            cam.failed.incrementAndGet();
            return;
        }
        EncodedFrame fitted;
        try {
            fitted = fitter.fit(cam, frame);
        } catch (IngestException e) {
            cam.failed.incrementAndGet();
            cam.error(e.getMessage());
            LOG.error("camera {}: frame not published: {}", cam.id, e.getMessage());
            return;
        }
        QueueItem dropped = cam.queue.offer(new QueueItem.FrameItem(fitted, System.nanoTime()));
        if (dropped != null && !cam.dropping) {
            cam.dropping = true;
            LOG.warn("camera {}: publish queue full ({} frames), dropping the oldest until Kafka catches up",
                    cam.id, config.queueCapacity());
        }
        sender.wake();
    }

    /** Replay frame: waits for room in the queue; nothing is dropped, failed sends are retried. */
    @Override
    public void put(EncodedFrame frame) throws InterruptedException {
        CameraState cam = camera(frame);
        ensureUsable(cam);
        cam.queue.put(new QueueItem.FrameItem(fitter.fit(cam, frame), System.nanoTime()));
        sender.wake();
    }

    /** Publishes the run's end-of-stream record after its frames; returns once all of them are acknowledged. */
    @Override
    public void endOfStream(String cameraId, String sessionId, long frames) throws InterruptedException {
        CameraState cam = camera(cameraId);
        ensureUsable(cam);
        CompletableFuture<Void> acked = new CompletableFuture<>();
        pendingEndOfStreams.add(acked);
        try {
            cam.queue.put(new QueueItem.EndOfStreamItem(sessionId, frames, System.nanoTime(), acked));
            sender.wake();
            acked.get();
        } catch (ExecutionException e) {
            throw new IngestException("camera " + cameraId + ": end of replay run " + sessionId + " ("
                    + frames + " frames) not acknowledged: " + e.getCause().getMessage(), e.getCause());
        } finally {
            pendingEndOfStreams.remove(acked);
        }
    }

    /** The camera's counters now, or null for a camera that never published. */
    public PublishStats stats(String cameraId) {
        CameraState cam = cameras.get(cameraId);
        return cam == null ? null : cam.snapshot();
    }

    /** Every camera's counters, by camera id. */
    public Map<String, PublishStats> stats() {
        Map<String, PublishStats> all = new TreeMap<>();
        cameras.forEach((id, cam) -> all.put(id, cam.snapshot()));
        return Collections.unmodifiableMap(all);
    }

    public String topic() {
        return config.topic();
    }

    /** The producer's {@code max.request.size} (also the topic's {@code max.message.bytes} floor). */
    public int maxRequestSize() {
        return maxRequestSize;
    }

    /**
     * Keeps sending what is queued for up to the configured close timeout, then closes the producer. Frames still
     * queued after that count as failed; blocked {@link #put} and {@link #endOfStream} calls throw.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        long deadline = System.nanoTime() + config.closeTimeout().toNanos();
        sender.stop(deadline);
        try {
            senderThread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()) + 1000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        IngestException closedError = new IngestException("publisher for " + config.topic() + " closed");
        for (CameraState cam : cameras.values()) {
            for (QueueItem item : cam.queue.close()) {
                if (item instanceof QueueItem.EndOfStreamItem eos) {
                    eos.acked().completeExceptionally(closedError);
                } else {
                    cam.failed.incrementAndGet();
                }
            }
        }
        recoveryThread.execute(() -> { // the clients are closed on the thread that uses them
            for (CameraState cam : cameras.values()) {
                if (cam.claimEnd >= 0 && cam.fatal == null) {
                    claims.release(cam.id, cam.nextSequence); // a restart continues where this one stopped
                }
            }
            claims.close();
            recovery.close();
        });
        recoveryThread.shutdown();
        try {
            if (!recoveryThread.awaitTermination(config.deliveryTimeout().toSeconds() + 5, TimeUnit.SECONDS)) {
                recoveryThread.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofNanos(Math.max(TimeUnit.SECONDS.toNanos(1), deadline - System.nanoTime())));
        pendingEndOfStreams.forEach(f -> f.completeExceptionally(closedError));
        for (CameraState cam : cameras.values()) { // replay records that failed in flight, now never resent
            cam.failed.addAndGet(cam.retries.values().stream().filter(o -> o.endOfStreamAck() == null).count());
            cam.retries.clear();
        }
        LOG.info("publisher for {} closed: {}", config.topic(), stats().values().stream()
                .map(st -> st.cameraId() + " published " + st.published() + ", dropped " + st.dropped() + ", failed "
                        + st.failed()).toList());
    }

    private void startRecovery(CameraState cam) {
        if (cam.numbering != Numbering.UNKNOWN || System.nanoTime() < cam.recoveryRetryAtNanos) {
            return;
        }
        cam.numbering = Numbering.RECOVERING;
        try {
            recoveryThread.execute(() -> recover(cam));
        } catch (RejectedExecutionException e) {
            cam.numbering = Numbering.UNKNOWN; // closing
        }
    }

    /**
     * The camera's next sequence: after its last record in the topic, after every block any publisher reserved for
     * it, and after what this publisher numbered already; then this publisher claims the camera.
     */
    private void recover(CameraState cam) {
        try {
            int n = producer.partitionsFor(config.topic()).size();
            long next = recovery.lastSequence(cam.id, SequenceRecovery.partitionFor(cam.id, n)) + 1;
            CameraClaims.Block block = claims.claim(cam.id, Math.max(next, cam.nextSequence));
            cam.nextSequence = block.start();
            cam.claimed(block.end(), System.nanoTime(), config.claimRenewal().toNanos());
            cam.recoveryFailures = 0;
            cam.numbering = Numbering.READY;
        } catch (org.apache.kafka.common.errors.TransactionalIdAuthorizationException e) {
            IngestException fatal = new IngestException("camera " + cam.id + ": Kafka refused transactional id "
                    + CameraClaims.transactionalId(config.topic(), cam.id) + " (" + e.getMessage() + "): ingest"
                    + " claims each camera with it (one publisher per camera id); grant this principal WRITE and"
                    + " DESCRIBE on transactional ids yolostream-ingest.*", e);
            cam.error(fatal.getMessage());
            cam.fatal = fatal;
            LOG.error(fatal.getMessage());
            cam.numbering = Numbering.UNKNOWN;
        } catch (RuntimeException e) {
            cam.recoveryFailures++;
            long backoffMs = Math.min(10_000, 500L << Math.min(5, cam.recoveryFailures - 1));
            cam.recoveryRetryAtNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoffMs);
            cam.error("recovering the last sequence from " + config.topic() + " failed: " + e);
            LOG.warn("camera {}: cannot read its last sequence from {} yet ({}); frames wait, retry in {} ms",
                    cam.id, config.topic(), e.toString(), backoffMs);
            cam.numbering = Numbering.UNKNOWN;
        }
        sender.wake();
    }

    /** @param grow reserve the next block (this one is nearly used up), else only prove the claim is still ours */
    private void startRenewal(CameraState cam, boolean grow) {
        cam.renewing = true;
        try {
            recoveryThread.execute(() -> renew(cam, grow));
        } catch (RejectedExecutionException e) {
            cam.renewing = false; // closing
        }
    }

    private void renew(CameraState cam, boolean grow) {
        try {
            CameraClaims.Block block = grow ? claims.extend(cam.id, cam.claimEnd) : claims.renew(cam.id, cam.claimEnd);
            cam.claimed(block.end(), System.nanoTime(), config.claimRenewal().toNanos());
        } catch (CameraClaims.FencedException e) {
            IngestException fatal = new IngestException(e.getMessage(), e);
            cam.error(e.getMessage());
            cam.fatal = fatal;
            LOG.error(e.getMessage());
        } catch (RuntimeException e) {
            // the claim's state is unknown (a timeout, the broker away): claim it again before numbering more
            cam.error("renewing the claim on camera " + cam.id + " failed: " + e);
            LOG.warn("camera {}: renewing its claim failed ({}); frames wait until it is claimed again", cam.id,
                    e.toString());
            cam.numbering = Numbering.UNKNOWN;
        } finally {
            cam.renewing = false;
            sender.wake();
        }
    }

    private CameraState camera(EncodedFrame f) {
        if (f == null || f.cameraId() == null || f.sessionId() == null || f.source() == null || f.jpeg() == null
                || f.captureTimeMillis() < 0) {
            throw new IngestException("publisher: expected a frame with camera id, session id, source, JPEG bytes"
                    + " and capture time >= 0, found " + (f == null ? "null" : "camera " + f.cameraId()
                    + ", session " + f.sessionId() + ", source " + f.source() + ", capture time "
                    + f.captureTimeMillis() + ", " + (f.jpeg() == null ? "no" : f.jpeg().length) + " bytes"));
        }
        return camera(f.cameraId());
    }

    private CameraState camera(String id) {
        return cameras.computeIfAbsent(id, k -> {
            CameraState cam = new CameraState(k, config.queueCapacity());
            meters.register(cam);
            return cam;
        });
    }

    private void ensureUsable(CameraState cam) {
        if (closed.get()) {
            throw new IngestException("publisher for " + config.topic() + " closed: camera " + cam.id
                    + " cannot publish");
        }
        if (cam.fatal != null) {
            throw cam.fatal;
        }
    }

    private Map<String, Object> producerProps() {
        Map<String, Object> p = new HashMap<>(config.clientOverrides());
        long delivery = config.deliveryTimeout().toMillis();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "yolostream-ingest-publisher");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, maxRequestSize);
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Math.max(32L << 20, 4L * maxRequestSize));
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none"); // JPEG does not compress
        int request = (int) Math.max(1000, Math.min(30_000, delivery / 2));
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, request);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(delivery, request + 5)); // >= request + linger
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, config.maxBlock().toMillis());
        return p;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
