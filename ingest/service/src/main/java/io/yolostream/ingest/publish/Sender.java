package io.yolostream.ingest.publish;

import io.yolostream.ingest.IngestException;
import io.yolostream.ingest.avro.EndOfStream;
import io.yolostream.ingest.avro.Frame;
import io.yolostream.ingest.avro.FrameCodec;
import io.yolostream.ingest.avro.ImageEncoding;
import io.yolostream.ingest.avro.SourceKind;
import io.yolostream.ingest.publish.CameraState.Numbering;
import io.yolostream.ingest.publish.CameraState.Outgoing;
import io.yolostream.ingest.source.EncodedFrame;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The one thread that moves frames from the camera queues to the producer: round-robin, one item per camera per
 * pass, so no camera starves another. Per camera at most {@code maxInFlight} records are unacknowledged (one after a
 * failure until {@value #CAUTIOUS_SUCCESSES} succeed): when Kafka is slow or down, frames wait in the bounded queue,
 * where live drops are counted, instead of piling up in the producer. Live frames that fail are counted, not
 * retried; replay frames that fail are resent (same sequence, oldest first, before anything newer) until they
 * succeed, except after a permanent error (too large, bad timestamp), which fails the camera's replay loudly.
 */
final class Sender implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Sender.class);
    static final int CAUTIOUS_SUCCESSES = 20;
    private static final long RETRY_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final Producer<String, byte[]> producer;
    private final String topic;
    private final int maxInFlight;
    private final Collection<CameraState> cameras;
    private final Consumer<CameraState> startRecovery;
    private final BiConsumer<CameraState, Boolean> renewClaim;
    private final BiConsumer<CameraState, Long> latencyNanos;
    private volatile Thread thread;
    private volatile long stopAtNanos = Long.MAX_VALUE;
    private volatile boolean stopping;

    Sender(Producer<String, byte[]> producer, String topic, int maxInFlight, Collection<CameraState> cameras,
           Consumer<CameraState> startRecovery, BiConsumer<CameraState, Boolean> renewClaim,
           BiConsumer<CameraState, Long> latencyNanos) {
        this.producer = producer;
        this.topic = topic;
        this.maxInFlight = maxInFlight;
        this.cameras = cameras;
        this.startRecovery = startRecovery;
        this.renewClaim = renewClaim;
        this.latencyNanos = latencyNanos;
    }

    @Override
    public void run() {
        thread = Thread.currentThread();
        while (true) {
            boolean worked = false;
            for (CameraState cam : cameras) {
                try {
                    worked |= step(cam);
                } catch (RuntimeException e) { // never let one camera's surprise stop the thread
                    LOG.error("camera {}: unexpected error in the sender: {}", cam.id, e.toString(), e);
                    cam.error(e.toString());
                }
            }
            if (stopping && (idle() || System.nanoTime() >= stopAtNanos)) {
                return;
            }
            if (!worked) {
                LockSupport.parkNanos(this, IDLE_PARK_NANOS);
            }
        }
    }

    /** Wakes the thread: something was queued, acknowledged or recovered. */
    void wake() {
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** Asks the thread to finish: it keeps sending until everything is acknowledged or the deadline passes. */
    void stop(long deadlineNanos) {
        stopAtNanos = deadlineNanos;
        stopping = true;
        wake();
    }

    private boolean idle() {
        return cameras.stream().allMatch(c -> c.queue.size() == 0 && c.inFlight.get() == 0 && c.retries.isEmpty());
    }

    private boolean step(CameraState cam) {
        if (cam.fatal != null) {
            discardAfterFatal(cam);
            return false;
        }
        if (!cam.retries.isEmpty()) {
            if (cam.inFlight.get() > 0 || System.nanoTime() < cam.retryAtNanos) {
                return false;
            }
            var entry = cam.retries.pollFirstEntry();
            send(cam, entry.getValue());
            return true;
        }
        if (cam.numbering != Numbering.READY) {
            if (cam.queue.size() > 0) {
                startRecovery.accept(cam);
            }
            return false;
        }
        // numbers only inside the camera's claimed block (CameraClaims): renewed ahead of time, and a publisher
        // whose claim lapsed or was fenced numbers nothing more
        long now = System.nanoTime();
        boolean nearlyUsed = cam.nextSequence >= cam.claimEnd - CameraClaims.BLOCK / 4;
        if (cam.queue.size() > 0 && !cam.renewing && (now >= cam.renewAtNanos || nearlyUsed)) {
            renewClaim.accept(cam, nearlyUsed); // the next block when nearly used up, else the same end again
        }
        boolean canNumber = now < cam.validUntilNanos && cam.nextSequence < cam.claimEnd;
        int limit = cam.cautious.get() > 0 ? 1 : maxInFlight;
        QueueItem item = cam.queue.pollIf(i -> i instanceof QueueItem.EndOfStreamItem
                ? cam.inFlight.get() == 0 : canNumber && cam.inFlight.get() < limit);
        if (item == null) {
            return false;
        }
        send(cam, item instanceof QueueItem.FrameItem f ? frameRecord(cam, f) : endOfStreamRecord(cam,
                (QueueItem.EndOfStreamItem) item));
        return true;
    }

    private Outgoing frameRecord(CameraState cam, QueueItem.FrameItem item) {
        EncodedFrame f = item.frame();
        long seq = cam.nextSequence++;
        boolean live = f.source() == SourceKind.LIVE;
        if (!live) {
            CameraState.Run run = cam.runs.computeIfAbsent(f.sessionId(), s -> new CameraState.Run());
            run.first = run.first < 0 ? seq : run.first;
            run.last = seq;
            run.count++;
        }
        Frame value = Frame.newBuilder().setCameraId(f.cameraId()).setSequence(seq)
                .setCaptureTime(Instant.ofEpochMilli(f.captureTimeMillis())).setPtsMicros(f.ptsMicros())
                .setSource(f.source())
                .setSessionId(f.sessionId()).setWidth(f.width()).setHeight(f.height())
                .setEncoding(ImageEncoding.JPEG).setImage(ByteBuffer.wrap(f.jpeg())).build();
        RecordHeaders headers = new RecordHeaders();
        headers.add(new RecordHeader(FrameCodec.TYPE_HEADER, FrameCodec.TYPE_FRAME_BYTES));
        var record = new ProducerRecord<>(topic, null, f.captureTimeMillis(), f.cameraId(),
                FrameCodec.encode(value), headers);
        return new Outgoing(record, seq, live, seq, item.enqueuedNanos(), null);
    }

    private Outgoing endOfStreamRecord(CameraState cam, QueueItem.EndOfStreamItem item) {
        CameraState.Run run = cam.runs.remove(item.sessionId());
        if (run == null) {
            run = new CameraState.Run();
        }
        if (run.count != item.frames()) {
            LOG.warn("camera {}: replay run {} reports {} frames, the publisher numbered {}", cam.id,
                    item.sessionId(), item.frames(), run.count);
        }
        long now = System.currentTimeMillis();
        EndOfStream value = EndOfStream.newBuilder().setCameraId(cam.id).setSessionId(item.sessionId())
                .setFrames(item.frames()).setFirstSequence(run.first).setLastSequence(run.last)
                .setEndTime(Instant.ofEpochMilli(now)).build();
        RecordHeaders headers = new RecordHeaders();
        headers.add(new RecordHeader(FrameCodec.TYPE_HEADER, FrameCodec.TYPE_END_OF_STREAM_BYTES));
        var record = new ProducerRecord<>(topic, null, now, cam.id, FrameCodec.encode(value), headers);
        return new Outgoing(record, Long.MAX_VALUE, false, -1, item.enqueuedNanos(), item.acked());
    }

    private void send(CameraState cam, Outgoing out) {
        cam.inFlight.incrementAndGet();
        AtomicBoolean done = new AtomicBoolean(); // a synchronous failure may both call back and throw
        try {
            producer.send(out.record(), (md, e) -> {
                if (done.compareAndSet(false, true)) {
                    completed(cam, out, md, e);
                }
            });
        } catch (RuntimeException e) {
            if (done.compareAndSet(false, true)) {
                completed(cam, out, null, e);
            }
        }
    }

    /** Producer callback (its I/O thread), or the sender thread for a synchronous failure. */
    private void completed(CameraState cam, Outgoing out, RecordMetadata md, Exception e) {
        try {
            if (e == null) {
                acknowledged(cam, out);
            } else {
                failed(cam, out, e);
            }
        } finally {
            cam.inFlight.decrementAndGet(); // after any retry was queued: the sender must not see "all clear" early
            wake();
        }
    }

    private void acknowledged(CameraState cam, Outgoing out) {
        long latency = System.nanoTime() - out.enqueuedNanos();
        cam.lastLatencyNanos = latency;
        cam.lastPublished = Instant.now();
        latencyNanos.accept(cam, latency);
        cam.cautious.updateAndGet(n -> Math.max(0, n - 1));
        if (out.endOfStreamAck() != null) {
            out.endOfStreamAck().complete(null);
        } else {
            cam.published.incrementAndGet();
            cam.lastSequence = Math.max(cam.lastSequence, out.sequence());
        }
        if (cam.failing) {
            cam.failing = false;
            LOG.info("camera {}: publishing to {} again", cam.id, topic);
        }
        cam.dropping = false;
    }

    private void failed(CameraState cam, Outgoing out, Exception e) {
        cam.cautious.set(CAUTIOUS_SUCCESSES);
        cam.error("send to " + topic + " failed: " + e);
        if (!cam.failing) {
            cam.failing = true;
            LOG.warn("camera {}: send to {} failed ({}); live frames are dropped and counted, replay frames resent"
                    + " until Kafka takes them", cam.id, topic, e.toString());
        }
        if (out.live()) {
            cam.failed.incrementAndGet();
        } else if (isPermanent(e)) {
            cam.failed.incrementAndGet();
            IngestException fatal = new IngestException("camera " + cam.id + ": Kafka rejected a replay record for "
                    + "topic " + topic + " (" + out.record().value().length + " bytes, timestamp "
                    + out.record().timestamp() + "): " + e, e);
            cam.fatal = fatal;
            LOG.error(fatal.getMessage());
            if (out.endOfStreamAck() != null) {
                out.endOfStreamAck().completeExceptionally(fatal);
            }
        } else {
            cam.retried.incrementAndGet();
            cam.retryAtNanos = System.nanoTime() + RETRY_PAUSE_NANOS;
            cam.retries.put(out.order(), out);
        }
    }

    private void discardAfterFatal(CameraState cam) {
        for (var entry = cam.retries.pollFirstEntry(); entry != null; entry = cam.retries.pollFirstEntry()) {
            fail(cam, entry.getValue().endOfStreamAck());
        }
        QueueItem item;
        while ((item = cam.queue.pollIf(i -> true)) != null) {
            fail(cam, item instanceof QueueItem.EndOfStreamItem eos ? eos.acked() : null);
        }
    }

    private static void fail(CameraState cam, CompletableFuture<Void> endOfStreamAck) {
        if (endOfStreamAck != null) {
            endOfStreamAck.completeExceptionally(cam.fatal);
        } else {
            cam.failed.incrementAndGet();
        }
    }

    static boolean isPermanent(Exception e) {
        return e instanceof RecordTooLargeException || e instanceof RecordBatchTooLargeException
                || e instanceof InvalidTimestampException || e instanceof InvalidTopicException
                || e instanceof InvalidRecordException || e instanceof SerializationException
                || e instanceof IllegalArgumentException;
    }
}
