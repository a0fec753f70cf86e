package io.yolostream.ingest.publish;

import io.yolostream.config.UrlMasker;
import io.yolostream.ingest.IngestException;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Everything the publisher keeps per camera: its queue, its sequence counter, what is in flight or waiting for a
 * retry, and its counters. Fields marked "sender" are touched by the sender thread only; the rest are shared with
 * the producer's callback thread, the sequence-recovery thread and the camera's own thread.
 */
final class CameraState {
    enum Numbering { UNKNOWN, RECOVERING, READY }

    /** A record built from a queue item; kept until acknowledged so a failed replay send goes out again as is. */
    record Outgoing(ProducerRecord<String, byte[]> record, long order, boolean live, long sequence,
                    long enqueuedNanos, CompletableFuture<Void> endOfStreamAck) {
    }

    /** first/last sequence and count of a replay run's frames, for its end-of-stream record. */
    static final class Run {
        long first = -1;
        long last = -1;
        long count;
    }

    final String id;
    final CameraQueue<QueueItem> queue;

    // sequence numbering: nextSequence is written before numbering becomes READY (volatile publish)
    volatile Numbering numbering = Numbering.UNKNOWN;
    long nextSequence = -1;
    volatile long recoveryRetryAtNanos;
    int recoveryFailures; // recovery thread
    // the camera's claim (CameraClaims): numbers below claimEnd are this publisher's until validUntilNanos
    volatile long claimEnd = -1;
    volatile long validUntilNanos;
    volatile long renewAtNanos;
    volatile boolean renewing;
    final Map<String, Run> runs = new HashMap<>(); // sender

    final AtomicInteger inFlight = new AtomicInteger();
    /** Failed replay records by order (sequence), resent one at a time, oldest first, before anything new. */
    final ConcurrentSkipListMap<Long, Outgoing> retries = new ConcurrentSkipListMap<>();
    volatile long retryAtNanos;
    /** After a failure: acknowledged sends to go with one record in flight before the full window opens again. */
    final AtomicInteger cautious = new AtomicInteger();
    volatile boolean failing;
    volatile boolean dropping;
    volatile IngestException fatal;

    final AtomicLong published = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong retried = new AtomicLong();
    final AtomicLong reencoded = new AtomicLong();
    volatile long lastSequence = -1;
    volatile long lastLatencyNanos = -1;
    volatile Instant lastPublished;
    volatile String lastError;
    volatile Instant lastErrorTime;

    CameraState(String id, int queueCapacity) {
        this.id = id;
        this.queue = new CameraQueue<>(queueCapacity, item -> item instanceof QueueItem.FrameItem);
    }

    /** A block up to {@code end} was committed at {@code nowNanos}: renew after {@code renewEvery}, stop after 3. */
    void claimed(long end, long nowNanos, long renewEveryNanos) {
        claimEnd = end;
        renewAtNanos = nowNanos + renewEveryNanos;
        validUntilNanos = nowNanos + 3 * renewEveryNanos;
    }

    void error(String message) {
        lastError = UrlMasker.maskAll(message);
        lastErrorTime = Instant.now();
    }

    PublishStats snapshot() {
        long latency = lastLatencyNanos;
        return new PublishStats(id, published.get(), queue.dropped(), failed.get(), retried.get(), reencoded.get(),
                queue.size(), inFlight.get(), lastSequence, latency < 0 ? -1 : latency / 1e6, lastPublished,
                lastError, lastErrorTime);
    }
}
