package io.yolostream.sinks.service;

import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TransactionAbortedException;
import org.apache.kafka.common.errors.UnknownProducerIdException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * What the sinks do when a stream thread dies. A thread that died on the broker's side of a transaction (a broker
 * killed or restarted under it: the coordinator moved, the transaction's state is gone, a request timed out) is
 * replaced: its transaction is aborted and the new thread, with a new producer, resumes from the last commit, so
 * exactly once holds and no record is lost. Anything else (our own code, a setting, an Error), and more than
 * {@code maxReplacements} replacements within {@code window}, stops the app, so that a failure that a new thread
 * cannot get past is reported instead of looping.
 */
final class StreamThreadFailures {
    /** The producer and transaction errors that a new thread's new producer gets past. */
    private static final List<Class<? extends Throwable>> RECOVERABLE = List.of(RetriableException.class,
            InvalidTxnStateException.class, ProducerFencedException.class, InvalidProducerEpochException.class,
            TransactionAbortedException.class, OutOfOrderSequenceException.class, UnknownProducerIdException.class);

    private final int maxReplacements;
    private final long windowNanos;
    private final LongSupplier nanoTime;
    private final Deque<Long> replacedAt = new ArrayDeque<>();

    StreamThreadFailures(int maxReplacements, Duration window, LongSupplier nanoTime) {
        if (maxReplacements < 0 || window.isNegative()) {
            throw new IllegalArgumentException("stream thread failures: expected max replacements >= 0 and a window"
                    + " >= 0, found " + maxReplacements + " and " + window);
        }
        this.maxReplacements = maxReplacements;
        this.windowNanos = window.toNanos();
        this.nanoTime = nanoTime;
    }

    /** The decision on one failure, and the words for the log. */
    record Decision(StreamThreadExceptionResponse response, String reason) {
        boolean replaces() {
            return response == StreamThreadExceptionResponse.REPLACE_THREAD;
        }
    }

    synchronized Decision decide(Throwable failure) {
        Throwable cause = recoverableCause(failure);
        if (cause == null) {
            return new Decision(StreamThreadExceptionResponse.SHUTDOWN_CLIENT,
                    "not a Kafka producer or transaction error that a new thread gets past");
        }
        long now = nanoTime.getAsLong();
        while (!replacedAt.isEmpty() && now - replacedAt.peekFirst() > windowNanos) {
            replacedAt.removeFirst();
        }
        String what = cause.getClass().getSimpleName() + ": " + cause.getMessage();
        if (replacedAt.size() >= maxReplacements) {
            return new Decision(StreamThreadExceptionResponse.SHUTDOWN_CLIENT, what + "; already replaced "
                    + replacedAt.size() + " thread(s) within " + Duration.ofNanos(windowNanos).toSeconds() + " s");
        }
        replacedAt.addLast(now);
        return new Decision(StreamThreadExceptionResponse.REPLACE_THREAD, what + " (replacement " + replacedAt.size()
                + " of at most " + maxReplacements + " within " + Duration.ofNanos(windowNanos).toSeconds() + " s)");
    }

    /** The first recoverable Kafka error in the cause chain, or null when an Error or none is in it. */
    static Throwable recoverableCause(Throwable failure) {
        Throwable found = null;
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
            if (t instanceof Error) {
                return null; // out of memory and the like: a new thread would not help
            }
            if (found == null && isRecoverable(t)) {
                found = t;
            }
        }
        return found;
    }

    private static boolean isRecoverable(Throwable t) {
        return RECOVERABLE.stream().anyMatch(c -> c.isInstance(t));
    }
}
