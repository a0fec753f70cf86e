package io.yolostream.sinks.topology;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.yolostream.detector.avro.DetectionStatus;
import io.yolostream.sinks.avro.RoutedDetection;
import io.yolostream.sinks.common.SinksMetrics;
import io.yolostream.sinks.common.SinksSerdes;
import io.yolostream.sinks.config.SinksConfig;
import io.yolostream.sinks.dlq.DlqHandler;
import io.yolostream.sinks.testing.Driver;
import io.yolostream.sinks.testing.Fixtures;
import io.yolostream.wordtree.WordTree;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static io.yolostream.sinks.testing.Fixtures.T0;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The service's whole topology: one read of detections feeding every output, and the DLQ. */
class SinksTopologyTest {
    @TempDir
    Path dir;

    @Test
    void underExactlyOnceMalformedRecordsAreHandedToTheDlqHandlerAndTheAppKeepsGoing() {
        Path[] t = Fixtures.smallTree(dir);
        SinksConfig c = SinksConfig.of("tree", t[0].toString(), "names", t[1].toString(), "subscribe", "dog");
        SinksMetrics metrics = SinksMetrics.inMemory();
        WordTree tree = WordTree.parse(Fixtures.SMALL_TREE, "small");
        try (Driver d = new Driver(c, SinksTopology.buildTopology(c, metrics))) {
            d.sendRaw("cam1", "not avro at all".getBytes(StandardCharsets.UTF_8), T0);
            d.sendRaw("cam1", new byte[]{(byte) 0xC3, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 0}, T0 + 1);
            d.send(Fixtures.detection("cam1", 2, T0 + 2, List.of(
                    Fixtures.treeObject(tree, Fixtures.SMALL_NAMES, Fixtures.NORFOLK, 0.5f))));
            assertEquals(2, d.dlqReasons.size());
            assertTrue(d.dlqReasons.get(0).contains("expected an Avro single-object Detection"), d.dlqReasons.get(0));
            assertTrue(d.dlqReasons.get(1).contains("with schema fingerprint"), d.dlqReasons.get(1));
            List<RoutedDetection> dogs = d.output("detections.dog", SinksSerdes.routed()).readValuesToList();
            assertEquals(1, dogs.size(), "the record after the bad ones is routed");
            assertEquals(1.0, metrics.routedCount("detections.dog"));
            assertEquals(1, d.rawOutput(c.jsonTopic()).readValuesToList().size(), "bad records are not mirrored");
        }
    }

    /**
     * The DLQ records themselves. TopologyTestDriver 4.4 does not surface records a deserialization handler sends
     * under exactly-once (they are lost in its mock producer's transaction), so this checks them at-least-once;
     * SinksServiceIT checks them under exactly-once v2 on a real broker.
     */
    @Test
    void theDlqRecordIsTheRawRecordWithReasonAndSourceHeaders() {
        SinksConfig c = SinksConfig.of("subscribe", "dog");
        java.util.Properties p = SinksTopology.streamsProperties(c, 0, null);
        p.put("bootstrap.servers", "dummy:9092");
        p.put("processing.guarantee", "at_least_once");
        try (org.apache.kafka.streams.TopologyTestDriver d = new org.apache.kafka.streams.TopologyTestDriver(
                SinksTopology.buildTopology(c), p)) {
            byte[] garbage = "not avro at all".getBytes(StandardCharsets.UTF_8);
            d.createInputTopic(c.detectionsTopic(), new org.apache.kafka.common.serialization.StringSerializer(),
                    new org.apache.kafka.common.serialization.ByteArraySerializer()).pipeInput(
                    new TestRecord<>("cam1", garbage, java.time.Instant.ofEpochMilli(T0)));
            List<TestRecord<String, byte[]>> dlq = d.createOutputTopic(c.dlqTopic(),
                    new org.apache.kafka.common.serialization.StringDeserializer(),
                    new org.apache.kafka.common.serialization.ByteArrayDeserializer()).readRecordsToList();
            assertEquals(1, dlq.size());
            assertArrayEquals(garbage, dlq.get(0).value(), "the raw bytes, as read");
            assertEquals("cam1", dlq.get(0).key());
            assertEquals(T0, dlq.get(0).timestamp());
            String reason = header(dlq.get(0), DlqHandler.REASON_HEADER);
            assertTrue(reason.contains("expected an Avro single-object Detection"), reason);
            assertTrue(reason.contains("found 15 bytes starting 6e6f7420"), reason);
            assertEquals(c.detectionsTopic() + "/0/0", header(dlq.get(0), DlqHandler.SOURCE_HEADER));
        }
    }

    @Test
    void everyRecordIsMirroredAsJson() throws Exception {
        SinksConfig c = SinksConfig.of();
        try (Driver d = new Driver(c, SinksTopology.buildTopology(c))) {
            d.send(Fixtures.detection("cam1", 1, T0, List.of(Fixtures.flatObject("dog", 11, 0.75f))));
            d.send(Fixtures.detection("cam1", 2, T0 + 40, DetectionStatus.ERROR, "bad jpeg", List.of()));
            List<TestRecord<String, byte[]>> json = d.rawOutput("detections.json").readRecordsToList();
            assertEquals(2, json.size());
            assertEquals(T0, json.get(0).timestamp());
            ObjectMapper m = new ObjectMapper();
            JsonNode first = m.readTree(json.get(0).value());
            assertEquals("cam1", first.get("cameraId").asText());
            assertEquals(T0, first.get("captureTime").asLong());
            assertEquals("OK", first.get("status").asText());
            assertTrue(first.get("reason").isNull());
            assertEquals("dog", first.at("/objects/0/label").asText());
            assertEquals(0.75, first.at("/objects/0/score").asDouble(), 1e-6);
            assertEquals("dog", first.at("/objects/0/path/0/name").asText());
            JsonNode second = m.readTree(json.get(1).value());
            assertEquals("ERROR", second.get("status").asText());
            assertEquals("bad jpeg", second.get("reason").asText());
        }
    }

    private static String header(TestRecord<String, byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
