package io.yolostream.ingest.publish;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.yolostream.ingest.avro.EndOfStream;
import io.yolostream.ingest.avro.Frame;
import io.yolostream.ingest.avro.FrameCodec;
import io.yolostream.ingest.avro.SourceKind;
import io.yolostream.ingest.source.EncodedFrame;
import io.yolostream.kafka.embedded.EmbeddedKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The publisher against the JVM's shared embedded broker, one topic per test. */
class FramePublisherIT {
    private static final EmbeddedKafka KAFKA = EmbeddedKafka.shared();
    private static final long T0 = 1_750_000_000_000L;

    private static PublisherConfig config(String topic, int partitions) {
        return PublisherConfig.defaults(KAFKA.bootstrapServers()).withTopic(topic)
                .withPartitions(partitions, (short) 1);
    }

    @Test
    void framesOfThreeCamerasArriveKeyedInOrderWithCaptureTimesAsRecordTimestamps() throws Exception {
        String topic = KAFKA.uniqueTopic("frames");
        List<String> cams = List.of("cam-a", "cam-b", "cam-c");
        int perCamera = 40;
        int maxRequestSize;
        try (FramePublisher publisher = new FramePublisher(config(topic, 2))) {
            maxRequestSize = publisher.maxRequestSize();
            ExecutorService threads = Executors.newFixedThreadPool(cams.size());
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < cams.size(); c++) {
                String cam = cams.get(c);
                boolean live = c == 0; // one live camera (offer), two replays (put)
                done.add(threads.submit(() -> {
                    for (int i = 0; i < perCamera; i++) {
                        EncodedFrame f = TestFrames.frame(cam, "session-" + cam,
                                live ? SourceKind.LIVE : SourceKind.REPLAY, captureTime(cam, i), i);
                        if (live) {
                            publisher.offer(f);
                        } else {
                            publisher.put(f);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
            threads.shutdown();
            Await.until("all frames acknowledged", java.time.Duration.ofSeconds(60),
                    () -> cams.stream().allMatch(c -> publisher.stats(c).published() == perCamera), publisher::stats);
            for (String cam : cams) {
                PublishStats s = publisher.stats(cam);
                assertEquals(0, s.dropped() + s.failed(), s.toString());
                assertEquals(perCamera - 1, s.lastSequence());
                assertTrue(s.lastLatencyMillis() >= 0 && s.lastPublished() != null, s.toString());
            }
        }

        List<ConsumerRecord<String, byte[]>> records = KAFKA.readAll(topic);
        assertEquals(cams.size() * perCamera, records.size());
        for (String cam : cams) {
            List<ConsumerRecord<String, byte[]>> mine = records.stream().filter(r -> cam.equals(r.key())).toList();
            assertEquals(perCamera, mine.size(), cam);
            assertEquals(1, mine.stream().map(ConsumerRecord::partition).distinct().count(), cam + ": one partition");
            assertEquals(SequenceRecovery.partitionFor(cam, 2), mine.get(0).partition(), "default partitioner's");
            for (int i = 0; i < perCamera; i++) {
                ConsumerRecord<String, byte[]> r = mine.get(i);
                Frame f = FrameCodec.decodeFrame(r.value());
                assertEquals(cam, f.getCameraId());
                assertEquals(i, f.getSequence(), cam + " offset order = sequence order");
                assertEquals(captureTime(cam, i), r.timestamp(), "record timestamp = capture time");
                assertEquals(captureTime(cam, i), f.getCaptureTime().toEpochMilli());
                assertEquals(i * 40_000L, f.getPtsMicros());
                assertEquals("session-" + cam, f.getSessionId());
                assertEquals(FrameCodec.TYPE_FRAME, header(r));
            }
        }
        try (Admin admin = KAFKA.admin()) {
            ConfigResource res = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config cfg = admin.describeConfigs(List.of(res)).all().get(30, TimeUnit.SECONDS).get(res);
            assertEquals(String.valueOf(maxRequestSize), cfg.get("max.message.bytes").value());
            assertEquals(String.valueOf(Long.MAX_VALUE), cfg.get("message.timestamp.after.max.ms").value());
            assertEquals(2, admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(topic).partitions().size());
        }
    }

    @Test
    void aRestartedPublisherContinuesEachCamerasSequence() throws Exception {
        String topic = KAFKA.uniqueTopic("frames-restart");
        try (FramePublisher first = new FramePublisher(config(topic, 1))) {
            for (int i = 0; i < 10; i++) {
                first.put(TestFrames.frame("cam-r", "run-1", SourceKind.REPLAY, T0 + i, i));
                first.put(TestFrames.frame("cam-other", "run-1", SourceKind.REPLAY, T0 + i, i));
            }
        }
        try (FramePublisher second = new FramePublisher(config(topic, 1))) {
            for (int i = 0; i < 5; i++) {
                second.offer(TestFrames.frame("cam-r", "live-1", SourceKind.LIVE, T0 + 100 + i, i));
            }
            Await.until("5 live frames acknowledged", java.time.Duration.ofSeconds(60),
                    () -> second.stats("cam-r").published() == 5, second::stats);
        }
        List<Long> sequences = sequences(KAFKA.readAll(topic), "cam-r");
        assertEquals(LongStream.range(0, 15).boxed().toList(), sequences);
    }

    @Test
    void recoveryLooksBackOnlyItsWindowAndEndOfStreamRecordsCount() throws Exception {
        String topic = KAFKA.uniqueTopic("frames-window");
        try (FramePublisher first = new FramePublisher(config(topic, 1))) {
            for (int i = 0; i < 5; i++) {
                first.put(TestFrames.frame("cam-old", "run-1", SourceKind.REPLAY, T0 + i, i));
            }
            first.endOfStream("cam-old", "run-1", 5);       // offsets 0..4 frames, 5 end-of-stream
            for (int i = 0; i < 10; i++) {
                first.put(TestFrames.frame("cam-filler", "run-1", SourceKind.REPLAY, T0 + i, i));
            }
            first.endOfStream("cam-filler", "run-1", 10);   // offsets 6..15 frames, 16 end-of-stream
        }
        try (LogCapture log = new LogCapture("io.yolostream.ingest.publish");
             FramePublisher second = new FramePublisher(config(topic, 1).withRecoveryWindow(4))) {
            second.put(TestFrames.frame("cam-filler", "run-2", SourceKind.REPLAY, T0, 0));
            second.put(TestFrames.frame("cam-old", "run-2", SourceKind.REPLAY, T0, 0));
            second.endOfStream("cam-filler", "run-2", 1);
            second.endOfStream("cam-old", "run-2", 1);
            assertEquals(10, second.stats("cam-filler").lastSequence(), "found the end-of-stream (last 9)");
            // beyond the 4-record window of the frames topic; the camera's claim says where its numbering got to
            assertEquals(5, second.stats("cam-old").lastSequence(), "continues after the claim released at 5");
            assertTrue(log.messages(Level.WARNING).stream().anyMatch(m -> m.contains("cam-old")
                    && m.contains("not scanned")), log.messages(Level.WARNING).toString());
        }
    }

    @Test
    void endOfStreamWaitsForTheRunsAcknowledgementsAndCarriesItsCount() throws Exception {
        String topic = KAFKA.uniqueTopic("frames-eos");
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (FramePublisher publisher = new FramePublisher(config(topic, 1), registry)) {
            for (int run = 1; run <= 2; run++) {
                int frames = run == 1 ? 25 : 5;
                for (int i = 0; i < frames; i++) {
                    publisher.put(TestFrames.frame("cam-e", "run-" + run, SourceKind.REPLAY, T0 + i * 40, i));
                }
                publisher.endOfStream("cam-e", "run-" + run, frames);
            }
            // read while the publisher is still open: endOfStream returned, so everything is already in Kafka
            List<ConsumerRecord<String, byte[]>> records = KAFKA.readAll(topic);
            assertEquals(25 + 1 + 5 + 1, records.size());
            assertEquals(30, publisher.stats("cam-e").published());
            ConsumerRecord<String, byte[]> firstEnd = records.get(25);
            assertEquals(FrameCodec.TYPE_END_OF_STREAM, header(firstEnd));
            assertEquals("cam-e", firstEnd.key());
            EndOfStream eos1 = FrameCodec.decodeEndOfStream(firstEnd.value());
            assertEquals(25, eos1.getFrames());
            assertEquals(0, eos1.getFirstSequence());
            assertEquals(24, eos1.getLastSequence());
            assertEquals("run-1", eos1.getSessionId());
            EndOfStream eos2 = FrameCodec.decodeEndOfStream(records.get(31).value());
            assertEquals(5, eos2.getFrames());
            assertEquals(25, eos2.getFirstSequence(), "a second run (a loop) continues the numbering");
            assertEquals(29, eos2.getLastSequence());

            String scrape = registry.scrape();
            assertTrue(scrape.contains("ingest_publish_frames_total{camera=\"cam-e\",outcome=\"published\"} 30"),
                    scrape);
            assertTrue(scrape.contains("ingest_publish_frames_total{camera=\"cam-e\",outcome=\"dropped\"} 0"));
            assertTrue(scrape.contains("ingest_publish_queue_depth{camera=\"cam-e\"} 0"), scrape);
            assertTrue(scrape.contains("ingest_publish_latency_seconds_count{camera=\"cam-e\"} 32"), scrape);
        }
    }

    @Test
    void aFrameTooLargeForTheRequestIsReencodedWithAWarningNotDropped() throws Exception {
        String topic = KAFKA.uniqueTopic("frames-large");
        int limit = 64 * 1024;
        byte[] big = TestFrames.jpeg(640, 480, 95, true);
        assertTrue(big.length > 2 * limit, "fixture must be oversized: " + big.length);
        try (LogCapture log = new LogCapture("io.yolostream.ingest.publish");
             FramePublisher publisher = new FramePublisher(config(topic, 1).withMaxRequestSize(limit))) {
            publisher.put(new EncodedFrame("cam-big", "run-1", SourceKind.REPLAY, T0, 0, 640, 480, 95, big));
            publisher.offer(new EncodedFrame("cam-big-live", "live-1", SourceKind.LIVE, T0, 0, 640, 480, 95, big));
            publisher.endOfStream("cam-big", "run-1", 1);
            Await.until("live frame acknowledged", java.time.Duration.ofSeconds(60),
                    () -> publisher.stats("cam-big-live").published() == 1, publisher::stats);
            assertEquals(1, publisher.stats("cam-big").reencoded());
            assertEquals(1, publisher.stats("cam-big-live").reencoded());
            List<String> warnings = log.messages(Level.WARNING);
            assertTrue(warnings.stream().anyMatch(m -> m.contains("cam-big") && m.contains(big.length + " bytes")
                    && m.contains("re-encoded")), warnings.toString());
        }
        List<ConsumerRecord<String, byte[]>> records = KAFKA.readAll(topic);
        for (String cam : List.of("cam-big", "cam-big-live")) {
            ConsumerRecord<String, byte[]> r = records.stream().filter(x -> cam.equals(x.key())).findFirst()
                    .orElseThrow();
            assertTrue(r.value().length <= limit);
            Frame f = FrameCodec.decodeFrame(r.value());
            assertTrue(f.getImage().remaining() < big.length);
            assertTrue(f.getWidth() <= 640 && f.getWidth() > 0);
        }
    }

    static long captureTime(String cam, int i) {
        return T0 + i * 40L + cam.hashCode() % 7;
    }

    static String header(ConsumerRecord<String, byte[]> r) {
        Header h = r.headers().lastHeader(FrameCodec.TYPE_HEADER);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    static List<Long> sequences(List<ConsumerRecord<String, byte[]>> records, String cam) {
        return records.stream().filter(r -> cam.equals(r.key()) && FrameCodec.TYPE_FRAME.equals(header(r)))
                .map(r -> FrameCodec.decodeFrame(r.value()).getSequence()).toList();
    }
}
