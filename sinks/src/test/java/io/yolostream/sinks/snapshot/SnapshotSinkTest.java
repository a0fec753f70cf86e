package io.yolostream.sinks.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.yolostream.detector.avro.DetectedObject;
import io.yolostream.detector.avro.PathNode;
import io.yolostream.ingest.avro.Frame;
import io.yolostream.ingest.avro.FrameCodec;
import io.yolostream.sinks.config.SinksConfig;
import io.yolostream.sinks.testing.Driver;
import io.yolostream.sinks.testing.Fixtures;
import io.yolostream.sinks.topology.SinksTopology;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

import static io.yolostream.sinks.testing.Fixtures.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The snapshot sink: the best frame per camera, label and window, as JPEG + JSON once the window closes. */
class SnapshotSinkTest {
    static final long T0 = 1_750_000_020_000L; // on a 10 s boundary

    static DetectedObject obj(String label, float score, float left) {
        return new DetectedObject(left, 10f, 30f, 30f, 0.8f, label, 0, score, List.of(new PathNode(label, 0, score,
                score)));
    }

    @Test
    void keepsTheHighestScorePerLabelAndWritesItWhenTheWindowCloses(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("snaps");
        SinksConfig c = SinksConfig.of("snapshot-dir", out.toString(), "snapshot-window", "10s",
                "annotate-window", "1s", "annotate-cameras", "off");
        try (Driver d = new Driver(c, SinksTopology.buildTopology(c))) {
            TestInputTopic<String, byte[]> frames = d.driver.createInputTopic(c.framesTopic(), new StringSerializer(),
                    new ByteArraySerializer());
            float[] dogScores = {0.4f, 0.9f, 0.6f};
            for (int i = 0; i < 3; i++) {
                long t = T0 + i * 1000L;
                Frame f = frame("gate/1", i + 1, t);
                frames.pipeInput(new TestRecord<>("gate/1", FrameCodec.encode(f), f.getCaptureTime()));
                d.send(Fixtures.detection("gate/1", i + 1, t, List.of(obj("dog", dogScores[i], 20f),
                        obj("car", 0.3f + i / 100f, 90f))));
            }
            assertFalse(Files.exists(out), "window [T0, T0+10s) still open");

            // a pair 11 s on closes the first window (end + 1 s grace)
            Frame late = frame("gate/1", 10, T0 + 11_000);
            frames.pipeInput(new TestRecord<>("gate/1", FrameCodec.encode(late), late.getCaptureTime()));
            d.send(Fixtures.detection("gate/1", 10, T0 + 11_000, List.of()));

            Path cam = out.resolve("gate_1");
            List<String> files;
            try (Stream<Path> s = Files.list(cam)) {
                files = s.map(p -> p.getFileName().toString()).sorted().toList();
            }
            assertEquals(List.of("20250615T150700Z_car.jpg", "20250615T150700Z_car.json", "20250615T150700Z_dog.jpg",
                    "20250615T150700Z_dog.json"), files);
            JsonNode dog = new ObjectMapper().readTree(cam.resolve("20250615T150700Z_dog.json").toFile());
            assertEquals("gate/1", dog.get("camera").asText());
            assertEquals("dog", dog.get("label").asText());
            assertEquals(0.9, dog.get("score").asDouble(), 1e-6);
            assertEquals(2, dog.get("sequence").asLong(), "the best dog was in frame 2");
            assertEquals(20.0, dog.get("box").get("left").asDouble());
            assertEquals("dog", dog.get("path").get(0).get("name").asText());
            assertEquals("2025-06-15T15:07:00Z", dog.get("windowStart").asText());
            assertEquals("2025-06-15T15:07:10Z", dog.get("windowEnd").asText());
            assertEquals(3, new ObjectMapper().readTree(cam.resolve("20250615T150700Z_car.json").toFile())
                    .get("sequence").asLong());
            BufferedImage img = ImageIO.read(cam.resolve("20250615T150700Z_dog.jpg").toFile());
            assertNotNull(img);
            assertEquals(160, img.getWidth());
            try (Stream<Path> s = Files.list(cam)) {
                assertTrue(s.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary left");
            }
        }
    }

    @Test
    void aCameraGoneQuietGetsItsWindowWrittenByTheWallClock(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("snaps");
        SinksConfig c = SinksConfig.of("snapshot-dir", out.toString(), "snapshot-window", "10s",
                "annotate-window", "1s", "annotate-cameras", "off");
        long now = System.currentTimeMillis();
        try (Driver d = new Driver(c, SinksTopology.buildTopology(c))) {
            TestInputTopic<String, byte[]> frames = d.driver.createInputTopic(c.framesTopic(), new StringSerializer(),
                    new ByteArraySerializer());
            Frame f = frame("yard", 1, now);
            frames.pipeInput(new TestRecord<>("yard", FrameCodec.encode(f), f.getCaptureTime()));
            d.send(Fixtures.detection("yard", 1, now, List.of(obj("cat", 0.7f, 5f))));
            assertFalse(Files.exists(out.resolve("yard")), "its window is open");
            d.driver.advanceWallClockTime(java.time.Duration.ofSeconds(12));
            try (Stream<Path> s = Files.list(out.resolve("yard"))) {
                assertEquals(2, s.filter(p -> p.getFileName().toString().contains("_cat.")).count());
            }
        }
    }

    @Test
    void fileNamesAreSafe() {
        assertEquals("gate_1", SnapshotWriter.safe("gate/1"));
        assertEquals("_..", SnapshotWriter.safe(".."));
        assertEquals("Norfolk_terrier", SnapshotWriter.safe("Norfolk terrier"));
    }
}
