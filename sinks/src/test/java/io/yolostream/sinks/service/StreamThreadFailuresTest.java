package io.yolostream.sinks.service;

import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StreamThreadFailuresTest {
    private final AtomicLong now = new AtomicLong();
    private final StreamThreadFailures failures = new StreamThreadFailures(2, Duration.ofMinutes(10), now::get);

    /** As Kafka Streams reports a failed commit after a broker was killed under it (seen in the cluster test). */
    private static StreamsException failedCommit() {
        return new StreamsException("Error encountered trying to commit a transaction [stream-thread [x]]",
                new InvalidTxnStateException("The producer attempted a transactional operation in an invalid state."));
    }

    @Test
    void replacesAThreadThatDiedOnATransactionOrTimeout() {
        StreamThreadFailures.Decision d = failures.decide(failedCommit());
        assertEquals(StreamThreadExceptionResponse.REPLACE_THREAD, d.response());
        assertTrue(d.reason().startsWith("InvalidTxnStateException: The producer attempted"), d.reason());
        assertTrue(d.reason().contains("replacement 1 of at most 2 within 600 s"), d.reason());
        assertTrue(failures.decide(new StreamsException(new TimeoutException("commit timed out"))).replaces());
    }

    @Test
    void stopsOnWhatANewThreadCannotGetPast() {
        assertEquals(StreamThreadExceptionResponse.SHUTDOWN_CLIENT,
                failures.decide(new StreamsException(new IllegalStateException("a bug of ours"))).response());
        assertFalse(failures.decide(new StreamsException(new TopicAuthorizationException("no ACL"))).replaces());
        assertFalse(failures.decide(new StreamsException(new SerializationException("bad"))).replaces());
        // an Error anywhere in the chain wins over a Kafka error wrapped around it
        assertFalse(failures.decide(new StreamsException(new TimeoutException("t", new OutOfMemoryError()))).replaces());
    }

    @Test
    void stopsWhenReplacementsKeepFailingWithinTheWindowAndReplacesAgainAfterIt() {
        assertTrue(failures.decide(failedCommit()).replaces());
        now.addAndGet(Duration.ofMinutes(1).toNanos());
        assertTrue(failures.decide(failedCommit()).replaces());
        StreamThreadFailures.Decision third = failures.decide(failedCommit());
        assertEquals(StreamThreadExceptionResponse.SHUTDOWN_CLIENT, third.response());
        assertTrue(third.reason().contains("already replaced 2 thread(s) within 600 s"), third.reason());
        // the first replacement leaves the window: one more is allowed
        now.addAndGet(Duration.ofMinutes(9).plusSeconds(1).toNanos());
        assertTrue(failures.decide(failedCommit()).replaces());
        assertFalse(failures.decide(failedCommit()).replaces());
    }

    @Test
    void findsTheKafkaErrorDeepInTheChainAndSurvivesACycle() {
        Exception deep = new RuntimeException("outer", new RuntimeException("mid", new InvalidTxnStateException("x")));
        assertTrue(StreamThreadFailures.recoverableCause(deep) instanceof InvalidTxnStateException);
        RuntimeException a = new RuntimeException("a");
        RuntimeException b = new RuntimeException("b", a);
        a.initCause(b); // a cause chain that loops
        assertEquals(null, StreamThreadFailures.recoverableCause(b));
    }
}
