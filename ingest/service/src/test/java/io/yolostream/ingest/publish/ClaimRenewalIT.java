package io.yolostream.ingest.publish;

import io.yolostream.ingest.avro.SourceKind;
import io.yolostream.kafka.embedded.EmbeddedKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A camera's claim over time and across an outage (its own broker: the shared one must stay up). The claim is renewed
 * often without reserving more numbers than the camera uses, and a publisher whose renewal failed while the broker
 * was away claims the camera again and goes on with its own numbering: a replay keeps its sequences 0..N-1. (A
 * re-claim used to start after every block reserved so far, and each renewal reserved a new block: the sequences
 * jumped by thousands, read downstream as missing frames.)
 */
class ClaimRenewalIT {
    private static final long T0 = 1_750_000_000_000L;

    @Test
    void renewalsReserveNoMoreThanUsedAndAFailedRenewalDoesNotJumpTheSequences() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.temporary()) {
            String topic = kafka.uniqueTopic("frames-renewal");
            PublisherConfig config = PublisherConfig.defaults(kafka.bootstrapServers()).withTopic(topic)
                    .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(20))
                    .withClaimRenewal(Duration.ofMillis(200));
            int frames = 0;
            try (FramePublisher publisher = new FramePublisher(config)) {
                // 30 frames 100 ms apart, a slow camera: about 15 renewals
                for (; frames < 30; frames++) {
                    publisher.put(TestFrames.frame("cam", "run-1", SourceKind.REPLAY, T0 + frames, frames));
                    Thread.sleep(100);
                }
                int before = frames;
                Await.until("the frames before the outage acknowledged", Duration.ofSeconds(30),
                        () -> publisher.stats("cam").published() == before, publisher::stats);
                long reserved = lastReservation(kafka, topic, "cam");
                assertTrue(reserved <= CameraClaims.BLOCK + CameraClaims.BLOCK / 4 + frames,
                        "renewals reserved up to " + reserved + " for " + frames + " frames");

                kafka.stop();
                // a frame waiting in the queue makes the publisher renew its claim: that fails without a broker
                publisher.put(TestFrames.frame("cam", "run-1", SourceKind.REPLAY, T0 + frames, frames));
                frames++;
                Await.until("the claim renewal fails", Duration.ofSeconds(60), () -> {
                    String error = publisher.stats("cam").lastError();
                    return error != null && error.contains("renewing the claim");
                }, publisher::stats);
                kafka.start();

                for (int i = 0; i < 5; i++, frames++) {
                    publisher.put(TestFrames.frame("cam", "run-1", SourceKind.REPLAY, T0 + frames, frames));
                }
                publisher.endOfStream("cam", "run-1", frames);
            }
            List<Long> sequences = FramePublisherIT.sequences(kafka.readAll(topic), "cam");
            assertEquals(LongStream.range(0, frames).boxed().toList(), sequences.stream().sorted().distinct().toList(),
                    "the replay's sequences after a failed renewal and a new claim");
        }
    }

    /** The end of the camera's last reservation in the claims topic. */
    private static long lastReservation(EmbeddedKafka kafka, String topic, String camera) {
        long end = -1;
        for (ConsumerRecord<String, byte[]> r : kafka.readAll(CameraClaims.claimsTopic(topic))) {
            if (camera.equals(r.key()) && r.value() != null) {
                end = Long.parseLong(new String(r.value(), StandardCharsets.UTF_8).strip());
            }
        }
        assertTrue(end >= 0, "no reservation of " + camera);
        return end;
    }
}
