package io.yolostream.detector.service;

import io.yolostream.detector.avro.Detection;
import io.yolostream.detector.avro.DetectionStatus;
import io.yolostream.detector.model.ModelException;
import io.yolostream.detector.schema.DetectionCodec;
import io.yolostream.http.testkit.RawHttp;
import io.yolostream.ingest.avro.SourceKind;
import io.yolostream.kafka.KafkaSetupException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static io.yolostream.detector.service.DetectTestKit.KAFKA;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The detect service on the embedded broker with a tiny generated model (real Kafka, real ONNX Runtime). */
class DetectServiceIT {

    @Test
    void everyFrameYieldsOneRecordInOrderPerCameraInCrossCameraBatches() throws Exception {
        // one partition, cameras interleaved: every batch of more than one frame mixes cameras
        DetectTestKit.Topics t = DetectTestKit.Topics.create(1);
        List<String> cameras = List.of("cam-a", "cam-b", "cam-c");
        int n = DetectTestKit.publish(t.frames(), cameras, 20);
        try (DetectService svc = new DetectService(DetectTestKit.config(DetectTestKit.flags(t, "a")))) {
            List<ConsumerRecord<String, byte[]>> records = DetectTestKit.settled(t, t.detections());
            assertEquals(n, records.size());
            Map<String, List<Long>> seqs = new HashMap<>();
            for (ConsumerRecord<String, byte[]> r : records) {
                Detection d = DetectionCodec.decode(r.value());
                assertEquals(r.key(), d.getCameraId());
                assertEquals(d.getCaptureTime().toEpochMilli(), r.timestamp());
                assertEquals(DetectionStatus.OK, d.getStatus(), () -> "status of " + d);
                assertEquals(svc.modelId(), d.getModelId());
                assertTrue(Set.of(64, 96, 128).contains(d.getInputWidth()), "input size " + d.getInputWidth());
                seqs.computeIfAbsent(d.getCameraId(), c -> new java.util.ArrayList<>()).add(d.getSequence());
            }
            for (String c : cameras) {
                assertEquals(java.util.stream.LongStream.range(0, 20).boxed().toList(), seqs.get(c), c);
            }
            assertTrue(DetectTestKit.detections(records).stream().anyMatch(d -> d.getBatchSize() > 1),
                    "expected batches of more than one frame");
            assertTrue(svc.modelId().matches("tiny@[0-9a-f]{8}"), svc.modelId());
            String metrics = get(svc.httpPort(), "/metrics");
            assertTrue(metrics.contains("yolostream_detector_batch_size"), metrics);
            assertTrue(get(svc.httpPort(), "/health").contains("\"UP\""));
            // exact routes, and on loopback only loopback Host names (the shared HTTP layer)
            assertEquals(404, RawHttp.get(svc.httpPort(), "/healthX").status());
            RawHttp.Answer delete = RawHttp.request(svc.httpPort(), "DELETE", "/health", "");
            assertEquals(405, delete.status());
            assertEquals("GET", delete.header("allow"));
            assertEquals(403, RawHttp.send(svc.httpPort(), "GET /metrics HTTP/1.1\r\nHost: evil.example\r\n\r\n")
                    .status());
        }
    }

    @Test
    void poisonRecordsGoToTheDeadLetterTopicWithErrorRecords() {
        DetectTestKit.Topics t = DetectTestKit.Topics.create(2);
        byte[] good = DetectTestKit.jpeg(2);
        try (KafkaProducer<String, byte[]> p = DetectTestKit.producer()) {
            for (int i = 0; i < 10; i++) {
                DetectTestKit.send(p, t.frames(), DetectTestKit.frame("cam-p", i, Instant.now(), SourceKind.LIVE,
                        i == 4 ? "not a jpeg at all".getBytes(StandardCharsets.UTF_8) : good));
            }
            p.send(new ProducerRecord<>(t.frames(), "cam-p", new byte[]{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}));
            p.flush();
        }
        try (DetectService svc = new DetectService(DetectTestKit.config(DetectTestKit.flags(t, "p")))) {
            List<Detection> all = DetectTestKit.detections(DetectTestKit.settled(t, t.detections()));
            assertEquals(11, all.size());
            List<Detection> errors = all.stream().filter(d -> d.getStatus() == DetectionStatus.ERROR).toList();
            assertEquals(2, errors.size(), () -> "errors: " + errors);
            assertTrue(errors.stream().anyMatch(d -> d.getSequence() == 4
                    && d.getReason().contains("undecodable image")), () -> "errors: " + errors);
            assertTrue(errors.stream().anyMatch(d -> d.getSequence() == -1 && d.getCameraId().equals("cam-p")
                    && d.getReason().contains("unreadable value")), () -> "errors: " + errors);
            assertEquals(9, all.stream().filter(d -> d.getStatus() == DetectionStatus.OK).count());
            List<ConsumerRecord<String, byte[]>> dlq = DetectTestKit.settled(t, t.dlq());
            assertEquals(2, dlq.size());
            for (ConsumerRecord<String, byte[]> r : dlq) {
                assertNotNull(r.headers().lastHeader(BatchOutput.REASON_HEADER));
                assertEquals(t.frames(), new String(r.headers().lastHeader(BatchOutput.TOPIC_HEADER).value(),
                        StandardCharsets.UTF_8));
                assertNotNull(r.headers().lastHeader(BatchOutput.OFFSET_HEADER));
                assertEquals("cam-p", r.key());
            }
        }
    }

    @Test
    void staleLiveFramesAreSkippedAndCountedButReplayFramesRun() throws Exception {
        DetectTestKit.Topics t = DetectTestKit.Topics.create(1);
        byte[] img = DetectTestKit.jpeg(3);
        Instant old = Instant.now().minusSeconds(3600);
        try (KafkaProducer<String, byte[]> p = DetectTestKit.producer()) {
            for (int i = 0; i < 6; i++) {
                DetectTestKit.send(p, t.frames(), DetectTestKit.frame("cam-live", i, old, SourceKind.LIVE, img));
                DetectTestKit.send(p, t.frames(), DetectTestKit.frame("cam-replay", i, old, SourceKind.REPLAY, img));
            }
            p.flush();
        }
        Map<String, String> flags = DetectTestKit.flags(t, "s");
        flags.put("max-age-ms", "60000");
        try (DetectService svc = new DetectService(DetectTestKit.config(flags))) {
            List<Detection> all = DetectTestKit.detections(DetectTestKit.settled(t, t.detections()));
            assertEquals(12, all.size());
            Map<String, Set<DetectionStatus>> byCamera = all.stream().collect(Collectors.groupingBy(
                    Detection::getCameraId, Collectors.mapping(Detection::getStatus, Collectors.toSet())));
            assertEquals(Set.of(DetectionStatus.SKIPPED_STALE), byCamera.get("cam-live"));
            assertEquals(Set.of(DetectionStatus.OK), byCamera.get("cam-replay"));
            assertEquals(6.0, svc.metrics().frames("cam-live", DetectionStatus.SKIPPED_STALE));
            assertEquals(6.0, svc.metrics().frames("cam-replay", DetectionStatus.OK));
            assertTrue(get(svc.httpPort(), "/metrics").contains("status=\"skipped_stale\""));
        }
    }

    @Test
    void twoInstancesShareThePartitionsAndWriteEachFrameOnce() throws Exception {
        DetectTestKit.Topics t = DetectTestKit.Topics.create(4);
        // every frame must run (the OK counts below), however slow a loaded machine makes the two instances
        Map<String, String> oneFlags = DetectTestKit.flags(t, "one");
        Map<String, String> twoFlags = DetectTestKit.flags(t, "two");
        oneFlags.put("max-age-ms", "0");
        twoFlags.put("max-age-ms", "0");
        try (DetectService one = new DetectService(DetectTestKit.config(oneFlags));
             DetectService two = new DetectService(DetectTestKit.config(twoFlags))) {
            await("both instances own partitions, all 4 between them").atMost(Duration.ofSeconds(30))
                    .until(() -> one.metrics().partitions() > 0 && two.metrics().partitions() > 0
                            && one.metrics().partitions() + two.metrics().partitions() == 4);
            List<String> cameras = List.of("c1", "c2", "c3", "c4", "c5", "c6");
            int n = DetectTestKit.publish(t.frames(), cameras, 15);
            List<Detection> all = DetectTestKit.detections(DetectTestKit.settled(t, t.detections()));
            assertEquals(n, all.size());
            Set<String> keys = new HashSet<>();
            for (Detection d : all) {
                assertTrue(keys.add(d.getCameraId() + "#" + d.getSequence()), "duplicate " + d.getCameraId() + "#"
                        + d.getSequence());
            }
            double byOne = cameras.stream().mapToDouble(c -> one.metrics().frames(c, DetectionStatus.OK)).sum();
            double byTwo = cameras.stream().mapToDouble(c -> two.metrics().frames(c, DetectionStatus.OK)).sum();
            assertEquals(n, byOne + byTwo, 0.0);
            assertTrue(byOne > 0 && byTwo > 0, "both instances should work: " + byOne + " / " + byTwo);
        }
    }

    @Test
    void startFailsFastOnAMissingTopicOrABadModel() throws Exception {
        DetectTestKit.Topics t = new DetectTestKit.Topics(KAFKA.uniqueTopic("absent"), "d", "q", "g");
        DetectException e = assertThrows(DetectException.class,
                () -> new DetectService(DetectTestKit.config(DetectTestKit.flags(t, "x"))));
        assertTrue(e.getMessage().contains("expected it to exist"), e.getMessage());

        Path bad = Files.createTempFile("bad", ".onnx");
        Files.writeString(bad, "not a model");
        Map<String, String> flags = DetectTestKit.flags(DetectTestKit.Topics.create(1), "y");
        flags.put("model", bad.toString());
        flags.remove("weights");
        assertThrows(ModelException.class, () -> new DetectService(DetectTestKit.config(flags)));

        Map<String, String> unreachable = DetectTestKit.flags(t, "z");
        unreachable.put("bootstrap-servers", "localhost:1");
        unreachable.put("startup-timeout-ms", "2000");
        KafkaSetupException down = assertThrows(KafkaSetupException.class,
                () -> new DetectService(DetectTestKit.config(unreachable)));
        assertTrue(down.getMessage().contains("expected a reachable broker"), down.getMessage());
    }

    private static String get(int port, String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        return r.body();
    }
}
