package io.yolostream.sinks.config;

import io.yolostream.config.ConfigException;
import io.yolostream.sinks.topology.SinksTopology;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SinksConfigTest {
    @Test
    void defaults() {
        SinksConfig c = SinksConfig.of();
        assertEquals("detections", c.detectionsTopic());
        assertEquals(Duration.ofMinutes(1), c.window());
        assertEquals(Duration.ofSeconds(10), c.grace());
        assertEquals(8083, c.get(SinksConfig.HTTP_PORT));
        assertEquals(List.of("detections.counts", "detections.json", "detections.health", "detections.dlq",
                "frames.annotated", "tracks", "events", "tracks.json", "events.json"), c.outputTopics());
        assertEquals("zones", c.zonesTopic());
        assertEquals(3000, c.trackerParams().lostTimeoutMs());
        assertEquals(Duration.ofSeconds(10), c.trackIdleEnd());
        assertTrue(c.readsFrames(), "watched cameras are annotated by default");
        assertEquals("", c.snapshotDir());
        assertEquals("exactly_once_v2", SinksTopology.streamsProperties(c, 8083, null)
                .get("processing.guarantee"));
    }

    @Test
    void precedenceFileEnvironmentFlagsAndKafkaOverrides() {
        Properties file = new Properties();
        file.setProperty("window", "30s");
        file.setProperty("grace", "2s");
        file.setProperty("kafka.processing.guarantee", "at_least_once");
        file.setProperty("kafka.max.poll.records", "50");
        SinksConfig c = SinksConfig.resolve(file, Map.of("YOLOSTREAM_SINKS_WINDOW", "2m"), Map.of("grace", "500ms"));
        assertEquals(Duration.ofMinutes(2), c.window());
        assertEquals(Duration.ofMillis(500), c.grace());
        Properties p = SinksTopology.streamsProperties(c, 1, null);
        assertEquals("50", p.get("max.poll.records"));
        assertEquals("exactly_once_v2", p.get("processing.guarantee"), "exactly-once cannot be turned off");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        ConfigException e = assertThrows(ConfigException.class, () -> SinksConfig.of("window", "0", "grace", "-1s",
                "tree", "/no/such.tree", "names", "/no/such.names", "counts-topic", "detections", "topic-prefix",
                "bad prefix"));
        String m = e.getMessage();
        assertTrue(m.contains("window: expected a duration"), m);
        assertTrue(m.contains("grace: expected a duration"), m);
        assertTrue(m.contains("tree: expected a WordTree file"), m);
        assertTrue(m.contains("counts-topic: expected a topic of its own, found 'detections'"), m);
        assertTrue(m.contains("topic-prefix: expected"), m);
        assertTrue(m.startsWith("sinks configuration has 5 problems"), m);
    }

    @Test
    void annotateCamerasSpecs() {
        assertTrue(SinksConfig.of("annotate-cameras", "off").annotatedCameras().off());
        assertTrue(SinksConfig.of("annotate-cameras", "*").annotatedCameras().configured("any"));
        SinksConfig list = SinksConfig.of("annotate-cameras", "gate, yard");
        assertTrue(list.annotatedCameras().configured("yard"));
        assertTrue(!list.annotatedCameras().configured("door"));
        assertTrue(SinksConfig.of("annotate-cameras", "off", "snapshot-dir", "/tmp/s").readsFrames());
        ConfigException e = assertThrows(ConfigException.class, () -> SinksConfig.of("annotate-cameras", "gate,*",
                "annotate-window", "soon", "annotated-topic", "detections"));
        assertTrue(e.getMessage().contains("annotate-cameras: expected"), e.getMessage());
        assertTrue(e.getMessage().contains("annotate-window: expected a duration"), e.getMessage());
        assertTrue(e.getMessage().contains("annotated-topic: expected a topic of its own"), e.getMessage());
    }

    @Test
    void namesWithoutATreeAndAMapTreeWithoutAMapAreProblems() {
        ConfigException e = assertThrows(ConfigException.class, () -> SinksConfig.of("names", "9k.names",
                "map", "none", "map-tree", "9k"));
        String m = e.getMessage();
        assertTrue(m.contains("names: given without tree"), m);
        assertTrue(m.contains("map-tree: expected a map to place classes on it (map voc, coco or FILE), found "
                + "map-tree=9k with no map (map none)"), m);
        assertTrue(m.startsWith("sinks configuration has 2 problems"), m);
        ConfigException n = assertThrows(ConfigException.class, () -> SinksConfig.of("map", "voc",
                "map-names", "my.names"));
        assertTrue(n.getMessage().contains("map-names: given without map-tree"), n.getMessage());
    }

    @Test
    void aMapNeedsNoTreeFileItPlacesClassesOnTheShipped9kTree() {
        SinksConfig c = SinksConfig.of("map", "voc", "subscribe", "animal");
        assertEquals(9418, c.hierarchy().size());
        assertEquals("9k.tree (shipped)", c.hierarchy().source());
        assertEquals(20, c.hierarchy().map().size());
        assertEquals("WordTree 9k.tree (shipped) (9418 nodes), built-in map voc (20 classes)",
                c.hierarchy().describe());
        assertEquals("detections.animal", c.subscriptions().get(0).topic());
    }

    @Test
    void trackingSettingsAndTheZonesFileAreCheckedWithTheRest(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        java.nio.file.Path zones = java.nio.file.Files.writeString(dir.resolve("zones.json"),
                "[{\"camera\":\"gate\",\"id\":\"in\",\"kind\":\"line\",\"points\":[[0,300],[640,300]]}]");
        SinksConfig ok = SinksConfig.of("zones", zones.toString(), "track-label-threshold", "0.7",
                "tracks-json-topic", "", "track-lost-timeout", "5s");
        assertEquals(1, ok.configZones().size());
        assertEquals(0.7, ok.trackerParams().labelThreshold());
        assertEquals(5000, ok.trackerParams().lostTimeoutMs());
        assertTrue(!ok.outputTopics().contains("tracks.json"), "'' turns the mirror off");
        java.nio.file.Files.writeString(zones, "[{\"camera\":\"gate\",\"id\":\"in\",\"kind\":\"line\"}]");
        ConfigException e = assertThrows(ConfigException.class, () -> SinksConfig.of("zones", zones.toString(),
                "track-label-threshold", "0.5", "events-topic", "detections.counts", "track-idle-end", "soon"));
        assertTrue(e.getMessage().contains("zones: zones file " + zones + "[0]: points: expected an array"),
                e.getMessage());
        assertTrue(e.getMessage().contains("track-label-threshold: expected above 0.5"), e.getMessage());
        assertTrue(e.getMessage().contains("events-topic: expected a topic of its own"), e.getMessage());
        assertTrue(e.getMessage().contains("track-idle-end: expected a duration"), e.getMessage());
    }
}
