package io.yolostream.sinks.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.yolostream.detector.avro.DetectionStatus;
import io.yolostream.kafka.KafkaSetupException;
import io.yolostream.sinks.avro.NodeCount;
import io.yolostream.sinks.avro.RoutedDetection;
import io.yolostream.sinks.common.SinksException;
import io.yolostream.sinks.common.SinksSerdes;
import io.yolostream.sinks.config.SinksConfig;
import io.yolostream.sinks.dlq.DlqHandler;
import io.yolostream.sinks.testing.Fixtures;
import io.yolostream.wordtree.WordTree;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The whole path on a real broker: detections → routed topics, counts (+ HTTP), health, DLQ; exactly-once v2. */
class SinksServiceIT {
    private static final long MIN = 60_000;
    private static final long W0 = Fixtures.T0 - Fixtures.T0 % MIN;

    @TempDir
    Path dir;

    @Test
    void detectionsAreRoutedCountedAndBadRecordsDeadLettered() throws Exception {
        ServiceFixture f = new ServiceFixture("detections-it", 2);
        Path[] t = Fixtures.smallTree(dir);
        SinksConfig c = f.config("tree", t[0].toString(), "names", t[1].toString(), "subscribe", "dog,animal,car",
                "window", "1m", "grace", "0");
        WordTree tree = WordTree.parse(Fixtures.SMALL_TREE, "small");
        byte[] garbage = "garbage".getBytes(StandardCharsets.UTF_8);
        try (SinksService s = new SinksService(c)) {
            assertTrue(s.awaitRunning(Duration.ofSeconds(60)), "state " + s.state());
            f.writeTransactionally(List.of(
                    f.record(Fixtures.detection("cam1", 1, W0 + 1_000, List.of(
                            Fixtures.treeObject(tree, Fixtures.SMALL_NAMES, Fixtures.NORFOLK, 0.6f),
                            Fixtures.treeObject(tree, Fixtures.SMALL_NAMES, Fixtures.TABBY, 0.5f)))),
                    f.record(Fixtures.detection("cam2", 1, W0 + 2_000, List.of(
                            Fixtures.treeObject(tree, Fixtures.SMALL_NAMES, Fixtures.CAR, 0.6f)))),
                    new ProducerRecord<>(f.detections, null, W0 + 2_500, "cam1", garbage),
                    f.record(Fixtures.detection("cam1", 2, W0 + 3_000, DetectionStatus.ERROR, "bad jpeg",
                            List.of())),
                    f.record(Fixtures.detection("cam1", 3, W0 + 4_000, List.of(
                            Fixtures.treeObject(tree, Fixtures.SMALL_NAMES, 7, 0.6f))))));

            List<ConsumerRecord<String, byte[]>> dog = f.kafka.readAtLeast(f.prefix + ".dog", 2);
            assertEquals(2, dog.size());
            RoutedDetection first = SinksSerdes.routed().deserializer().deserialize("t", dog.get(0).value());
            assertEquals("cam1", dog.get(0).key());
            assertEquals(W0 + 1_000, dog.get(0).timestamp());
            assertEquals("Norfolk terrier", first.getLabel());
            assertEquals(3, SinksSerdes.routed().deserializer().deserialize("t", dog.get(1).value()).getSequence());
            assertEquals(3, f.kafka.readAtLeast(f.prefix + ".animal", 3).size());
            assertEquals("cam2", f.kafka.readAtLeast(f.prefix + ".car", 1).get(0).key());

            List<ConsumerRecord<String, byte[]>> dlq = f.kafka.readAtLeast(f.prefix + ".dlq", 1);
            assertEquals(1, dlq.size());
            assertArrayEquals(garbage, dlq.get(0).value());
            String reason = new String(dlq.get(0).headers().lastHeader(DlqHandler.REASON_HEADER).value(),
                    StandardCharsets.UTF_8);
            assertTrue(reason.contains("expected an Avro single-object Detection"), reason);

            // interactive query of the open window
            HttpResponse<String> counts = ServiceFixture.get(s.httpPort(), "/counts?camera=cam1&node=dog");
            assertEquals(200, counts.statusCode(), counts.body());
            JsonNode cam1 = new ObjectMapper().readTree(counts.body()).at("/cameras/0");
            assertEquals("cam1", cam1.get("camera").asText());
            assertEquals(2, cam1.at("/counts/dog").asLong(), counts.body());
            assertEquals(3, cam1.get("frames").asLong(), "frames of any status count as frames");
            assertEquals(404, ServiceFixture.get(s.httpPort(), "/counts?node=unicorn").statusCode());

            // a later frame on each partition closes the window
            f.writeTransactionally(List.of(
                    f.record(Fixtures.detection("cam1", 4, W0 + 2 * MIN, List.of())),
                    f.record(Fixtures.detection("cam2", 2, W0 + 2 * MIN, List.of()))));
            List<NodeCount> closed = f.kafka.readAtLeast(f.prefix + ".counts", 6).stream()
                    .map(r -> SinksSerdes.nodeCount().deserializer().deserialize("t", r.value())).toList();
            assertTrue(closed.stream().anyMatch(n -> n.getCameraId().equals("cam1") && n.getNode().equals("animal")
                    && n.getCount() == 3), closed.toString());
            assertTrue(closed.stream().anyMatch(n -> n.getCameraId().equals("cam2") && n.getNode().equals("car")
                    && n.getCount() == 1), closed.toString());
            var health = f.kafka.readAtLeast(f.prefix + ".health", 2).stream()
                    .map(r -> SinksSerdes.cameraHealth().deserializer().deserialize("t", r.value()))
                    .filter(h -> h.getCameraId().equals("cam1")).findFirst().orElseThrow();
            assertEquals(1, health.getError());
            assertEquals("bad jpeg", health.getLastReason());

            HttpResponse<String> h = ServiceFixture.get(s.httpPort(), "/health");
            assertEquals(200, h.statusCode(), h.body());
            String metrics = ServiceFixture.get(s.httpPort(), "/metrics").body();
            assertTrue(metrics.contains("yolostream_sinks_routed_total{topic=\"" + f.prefix + ".dog\"}"), metrics);
            assertTrue(metrics.contains("yolostream_sinks_dlq_total 1.0"), metrics);
            assertTrue(metrics.contains("kafka_stream_"), "Kafka Streams metrics bound");
        }
    }

    @Test
    void aMissingDetectionsTopicFailsTheStartWithAClearMessage() {
        ServiceFixture f = new ServiceFixture("present", 1);
        SinksConfig c = f.config("detections-topic", f.kafka.uniqueTopic("absent"), "startup-timeout-ms", "500");
        KafkaSetupException e = org.junit.jupiter.api.Assertions.assertThrows(KafkaSetupException.class,
                () -> new SinksService(c).close());
        assertTrue(e.getMessage().contains("expected it to exist within startup-timeout-ms"), e.getMessage());
    }
}
