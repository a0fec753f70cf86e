package io.yolostream.ingest.publish;

import io.yolostream.ingest.IngestException;
import io.yolostream.ingest.avro.SourceKind;
import io.yolostream.kafka.embedded.EmbeddedKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Several publishers for one camera id at once (three `replay --camera-id same`): the last one to claim the camera
 * fences the others, which stop with an error saying so; no (camera, sequence) pair is ever written twice.
 */
class OnePublisherPerCameraIT {
    private static final EmbeddedKafka KAFKA = EmbeddedKafka.shared();
    private static final long T0 = 1_750_000_000_000L;

    private static PublisherConfig config(String topic) {
        return PublisherConfig.defaults(KAFKA.bootstrapServers()).withTopic(topic).withPartitions(2, (short) 1)
                .withClaimRenewal(Duration.ofMillis(300));
    }

    @Test
    void threePublishersOfOneCameraNeverWriteASequenceTwice() throws Exception {
        String topic = KAFKA.uniqueTopic("frames-same");
        int publishers = 3;
        int perPublisher = 300;
        List<FramePublisher> all = new ArrayList<>();
        CountDownLatch claimed = new CountDownLatch(publishers);
        ExecutorService threads = Executors.newFixedThreadPool(publishers);
        List<Future<Integer>> results = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        try {
            for (int p = 0; p < publishers; p++) {
                FramePublisher publisher = new FramePublisher(config(topic));
                all.add(publisher);
                String session = "replay-" + p;
                results.add(threads.submit(() -> {
                    int put = 0;
                    try {
                        publisher.put(TestFrames.frame("same", session, SourceKind.REPLAY, T0, 0));
                        put++;
                        Await.until(session + " claimed the camera", Duration.ofSeconds(60),
                                () -> publisher.stats("same").published() == 1, publisher::stats);
                        claimed.countDown();
                        claimed.await(60, TimeUnit.SECONDS); // all three claimed: they overlap from here on
                        for (int i = 1; i < perPublisher; i++) {
                            publisher.put(TestFrames.frame("same", session, SourceKind.REPLAY, T0 + i, i));
                            put++;
                        }
                        publisher.endOfStream("same", session, put);
                    } catch (IngestException e) {
                        synchronized (errors) {
                            errors.add(e.getMessage());
                        }
                    }
                    return put;
                }));
                // claims in a known order: each new claim fences the one before
                Await.until("publisher " + p + " claimed", Duration.ofSeconds(60),
                        () -> claimed.getCount() == publishers - all.size(), () -> claimed);
            }
            for (Future<Integer> f : results) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
            all.forEach(FramePublisher::close);
        }

        assertEquals(publishers - 1, errors.size(), "the two older publishers were fenced: " + errors);
        for (String e : errors) {
            assertTrue(e.contains("camera same: another publisher claimed this camera id"), e);
            assertTrue(e.contains("yolostream-ingest." + topic + ".same"), e);
        }
        List<ConsumerRecord<String, byte[]>> records = KAFKA.readAll(topic);
        List<Long> sequences = FramePublisherIT.sequences(records, "same");
        Set<Long> unique = new HashSet<>(sequences);
        assertEquals(sequences.size(), unique.size(), "a (camera, sequence) pair written twice: " + sequences);
        long published = all.stream().mapToLong(p -> p.stats("same").published()).sum();
        assertEquals(published, sequences.size(), "every acknowledged frame is in the topic, once");
        assertTrue(sequences.size() >= perPublisher + publishers - 1, "the last publisher's frames all went out");
    }

    @Test
    void aCleanRestartContinuesTheNumberingAndAFencedPublisherStopsAtOnce() throws Exception {
        String topic = KAFKA.uniqueTopic("frames-restart-claims");
        try (FramePublisher first = new FramePublisher(config(topic))) {
            for (int i = 0; i < 5; i++) {
                first.put(TestFrames.frame("cam", "run-1", SourceKind.REPLAY, T0 + i, i));
            }
            first.endOfStream("cam", "run-1", 5);
        }
        try (FramePublisher older = new FramePublisher(config(topic));
             FramePublisher newer = new FramePublisher(config(topic))) {
            older.put(TestFrames.frame("cam", "run-2", SourceKind.REPLAY, T0 + 10, 0));
            older.endOfStream("cam", "run-2", 1);
            assertEquals(5, older.stats("cam").lastSequence(), "continues after the released claim: no gap");
            newer.put(TestFrames.frame("cam", "run-3", SourceKind.REPLAY, T0 + 20, 0));
            newer.endOfStream("cam", "run-3", 1);
            assertTrue(newer.stats("cam").lastSequence() > 5, "after every block the older one reserved");
            Await.until("the older publisher notices it was fenced", Duration.ofSeconds(60), () -> {
                try {
                    older.put(TestFrames.frame("cam", "run-2b", SourceKind.REPLAY, T0 + 30, 0));
                    return false;
                } catch (IngestException e) {
                    return e.getMessage().contains("another publisher claimed this camera id");
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }, older::stats);
        }
        List<Long> sequences = FramePublisherIT.sequences(KAFKA.readAll(topic), "cam");
        assertEquals(sequences.size(), new HashSet<>(sequences).size(), sequences.toString());
    }
}
