package io.yolostream.ingest.publish;

import io.yolostream.ingest.avro.EndOfStream;
import io.yolostream.ingest.avro.FrameCodec;
import io.yolostream.ingest.avro.SourceKind;
import io.yolostream.kafka.embedded.EmbeddedKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kafka stopped for a while (its own broker: the shared one must stay up): live offers never block and drop the
 * oldest frames, counted; a replay blocks and loses nothing; both resume by themselves when the broker is back.
 */
class KafkaOutageIT {
    private static final long T0 = 1_750_000_000_000L;
    private static final int QUEUE = 10;

    @Test
    void liveDropsAndCountsReplayWaitsBothResume() throws Exception {
        ExecutorService threads = Executors.newCachedThreadPool();
        try (EmbeddedKafka kafka = EmbeddedKafka.temporary()) {
            String topic = kafka.uniqueTopic("frames-outage");
            PublisherConfig config = PublisherConfig.defaults(kafka.bootstrapServers()).withTopic(topic)
                    .withQueue(QUEUE, 4)
                    .withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(1), Duration.ofSeconds(20));
            int liveOffered = 0;
            FramePublisher publisher = new FramePublisher(config);
            try {
                // both cameras publishing normally
                for (int i = 0; i < 5; i++) {
                    publisher.offer(TestFrames.frame("live", "live-1", SourceKind.LIVE, T0 + i, i));
                    publisher.put(TestFrames.frame("replay", "run-1", SourceKind.REPLAY, T0 + i, i));
                }
                liveOffered += 5;
                awaitStats(publisher, "5 + 5 frames acknowledged",
                        () -> publisher.stats("live").published() == 5 && publisher.stats("replay").published() == 5);

                kafka.stop();

                // live: 40 offers from a camera-like thread all return although nothing can be sent
                Future<?> offers = threads.submit(() -> {
                    for (int i = 5; i < 45; i++) {
                        publisher.offer(TestFrames.frame("live", "live-1", SourceKind.LIVE, T0 + i, i));
                    }
                });
                offers.get(30, TimeUnit.SECONDS);
                liveOffered += 40;
                awaitStats(publisher, "live frames dropped (queue full) and failed sends counted",
                        () -> publisher.stats("live").dropped() > 0 && publisher.stats("live").failed() > 0);
                assertTrue(publisher.stats("live").queueDepth() <= QUEUE);

                // replay: 30 more frames and the end of the run; the thread blocks while the broker is down
                Future<?> replay = threads.submit(() -> {
                    for (int i = 5; i < 35; i++) {
                        publisher.put(TestFrames.frame("replay", "run-1", SourceKind.REPLAY, T0 + i, i));
                    }
                    publisher.endOfStream("replay", "run-1", 35);
                    return null;
                });
                awaitStats(publisher, "replay queue full and a failed send retried",
                        () -> publisher.stats("replay").queueDepth() == QUEUE
                                && publisher.stats("replay").retried() > 0);
                assertFalse(replay.isDone(), "replay must wait for Kafka, found it done: " + replay);
                assertEquals(5, publisher.stats("replay").published());
                assertTrue(publisher.stats("replay").lastError().contains("failed"),
                        publisher.stats("replay").lastError());

                kafka.start();

                replay.get(120, TimeUnit.SECONDS); // resumed by itself, endOfStream acknowledged
                long liveBefore = publisher.stats("live").published();
                for (int i = 45; i < 50; i++) {
                    publisher.offer(TestFrames.frame("live", "live-1", SourceKind.LIVE, T0 + i, i));
                }
                liveOffered += 5;
                awaitStats(publisher, "live publishing again",
                        () -> publisher.stats("live").published() >= liveBefore + 5);
            } finally {
                publisher.close();
            }
            // after close every offered live frame is accounted for
            List<ConsumerRecord<String, byte[]>> records = kafka.readAll(topic);
            List<Long> live = FramePublisherIT.sequences(records, "live");
            assertEquals(live.stream().sorted().distinct().toList(), live, "live sequences increase: " + live);

            List<Long> replayed = FramePublisherIT.sequences(records, "replay");
            assertEquals(LongStream.range(0, 35).boxed().toList(), replayed.stream().sorted().distinct().toList(),
                    "no replay frame lost: " + replayed);
            ConsumerRecord<String, byte[]> last = records.stream().filter(r -> "replay".equals(r.key()))
                    .reduce((a, b) -> b).orElseThrow();
            EndOfStream eos = FrameCodec.decodeEndOfStream(last.value());
            assertEquals(35, eos.getFrames());
            assertEquals(34, eos.getLastSequence());
            PublishStats liveStats = publisher.stats("live");
            assertEquals(live.size(), liveStats.published(), liveStats.toString());
            assertEquals(liveOffered, liveStats.published() + liveStats.dropped() + liveStats.failed(),
                    "every offered live frame is published, dropped or failed: " + liveStats);
        } finally {
            threads.shutdownNow();
        }
    }

    private static void awaitStats(FramePublisher publisher, String what, java.util.function.BooleanSupplier c) {
        Await.until(what, Duration.ofSeconds(60), c, publisher::stats);
    }
}
