package io.yolostream.sinks.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.yolostream.detector.avro.DetectedObject;
import io.yolostream.detector.avro.DetectionStatus;
import io.yolostream.detector.avro.PathNode;
import io.yolostream.sinks.avro.CameraTracks;
import io.yolostream.sinks.avro.NodeCount;
import io.yolostream.sinks.avro.TrackEvent;
import io.yolostream.sinks.avro.TrackEventKind;
import io.yolostream.sinks.avro.TrackFrame;
import io.yolostream.sinks.avro.TrackObjectState;
import io.yolostream.sinks.avro.TrackedObject;
import io.yolostream.sinks.avro.ZoneCoordinates;
import io.yolostream.sinks.avro.ZoneKind;
import io.yolostream.sinks.common.SinksSerdes;
import io.yolostream.sinks.config.SinksConfig;
import io.yolostream.sinks.testing.Driver;
import io.yolostream.sinks.testing.Fixtures;
import io.yolostream.sinks.zones.Point;
import io.yolostream.sinks.zones.ZoneCodec;
import io.yolostream.sinks.zones.ZoneSpec;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tracking topology on TopologyTestDriver, with the service's Streams properties (exactly-once v2). */
class TrackingTopologyTest {
    private static final long T0 = Fixtures.T0 - Fixtures.T0 % 60_000;

    @TempDir
    Path dir;

    /** A 40 × 100 px object centred at (cx, cy), on the small tree's path to {@code node}, conditionals 0.95. */
    static DetectedObject at(double cx, double cy, int node, float score) {
        List<PathNode> path = new ArrayList<>();
        int[] nodes = switch (node) {
            case Fixtures.NORFOLK -> new int[]{0, 1, 3, 6};
            case Fixtures.TABBY -> new int[]{0, 1, 4, 8};
            case 3 -> new int[]{0, 1, 3};
            case 1 -> new int[]{0, 1};
            default -> new int[]{0, 2, Fixtures.CAR};
        };
        for (int n : nodes) {
            path.add(new PathNode(Fixtures.SMALL_NAMES.get(n), n, 0.95f, score));
        }
        return new DetectedObject((float) (cx - 20), (float) (cy - 50), 40f, 100f, 0.9f, Fixtures.SMALL_NAMES.get(node),
                node, score, path);
    }

    private SinksConfig config(String... more) {
        Path[] t = Fixtures.smallTree(dir);
        List<String> kv = new ArrayList<>(List.of("tree", t[0].toString(), "names", t[1].toString(),
                "window", "1m", "grace", "0", "annotate-cameras", "off"));
        kv.addAll(List.of(more));
        return SinksConfig.of(kv.toArray(String[]::new));
    }

    private static Map<Long, TrackFrame> frames(Driver d, SinksConfig c) {
        Map<Long, TrackFrame> out = new TreeMap<>();
        d.output(c.tracksTopic(), SinksSerdes.trackFrame()).readValuesToList().forEach(f -> out.put(f.getSequence(), f));
        return out;
    }

    private static List<String> events(List<TrackEvent> es) {
        return es.stream().map(e -> e.getTrackId() + " " + e.getKind() + (e.getZone() == null ? "" : " " + e.getZone())
                + (e.getDirection() == null ? "" : " " + e.getDirection())
                + (e.getReason() == null ? "" : " " + e.getReason())).toList();
    }

    /** Track id of the object at {@code index} in the frame, null when no track matched it. */
    private static String idOf(TrackFrame f, int index) {
        return f.getTracks().stream().filter(t -> t.getObjectIndex() == index).map(TrackedObject::getTrackId)
                .findFirst().orElse(null);
    }

    @Test
    void crossingObjectsKeepTheirIdsAndEveryRecordHasItsFrame() {
        SinksConfig c = config();
        try (Driver d = new Driver(c, TrackingTopology.buildTopology(c))) {
            // 5 frames/s: A walks right, B left, on the same street; where they overlap B hides A
            int frames = 40;
            for (int k = 0; k < frames; k++) {
                double ax = 100 + 15 * k;
                double bx = 700 - 15 * k;
                List<DetectedObject> o = new ArrayList<>();
                o.add(at(bx, 300, Fixtures.TABBY, 0.9f));
                if (Math.abs(ax - bx) > 30) {
                    o.add(at(ax, 290, Fixtures.NORFOLK, 0.9f));
                }
                d.send(Fixtures.detection("cam1", k, T0 + k * 200L, o));
            }
            Map<Long, TrackFrame> out = frames(d, c);
            assertEquals(frames, out.size(), "one tracks record per detection record");
            Set<String> bIds = new LinkedHashSet<>();
            Set<String> aIds = new LinkedHashSet<>();
            for (TrackFrame f : out.values()) {
                if (idOf(f, 0) != null) {
                    bIds.add(idOf(f, 0));
                }
                if (f.getTracks().size() > 0 && idOf(f, 1) != null) {
                    aIds.add(idOf(f, 1));
                }
            }
            assertEquals(1, aIds.size(), "A keeps one id through the crossing: " + aIds);
            assertEquals(1, bIds.size(), "B keeps one id through the crossing: " + bIds);
            assertFalse(aIds.equals(bIds));
            List<TrackEvent> ev = d.output(c.eventsTopic(), SinksSerdes.trackEvent()).readValuesToList();
            assertEquals(2, ev.stream().filter(e -> e.getKind() == TrackEventKind.STARTED).count(), events(ev).toString());
            // the labels: a tabby and a Norfolk terrier, deepened over the frames
            TrackFrame last = out.get((long) frames - 1);
            Map<String, String> labels = last.getTracks().stream().collect(Collectors.toMap(TrackedObject::getTrackId,
                    t -> String.join(" > ", t.getLabelPath().stream().map(n -> n.getName()).toList())));
            assertTrue(labels.containsValue("object > animal > cat > tabby"), labels.toString());
            assertTrue(labels.containsValue("object > animal > dog > Norfolk terrier"), labels.toString());
        }
    }

    @Test
    void aLostObjectWithinTheTimeoutKeepsItsIdAcrossSkippedStaleFrames() {
        SinksConfig c = config("track-lost-timeout", "3s");
        try (Driver d = new Driver(c, TrackingTopology.buildTopology(c))) {
            long seq = 0;
            for (int k = 0; k < 5; k++, seq++) {
                d.send(Fixtures.detection("cam1", seq, T0 + seq * 200, List.of(at(100 + 20 * seq, 300, 3, 0.9f))));
            }
            // 2 s of frames the detector skipped as stale: the tracker only lets time pass
            for (int k = 0; k < 10; k++, seq++) {
                d.send(Fixtures.detection("cam1", seq, T0 + seq * 200, DetectionStatus.SKIPPED_STALE, "too old",
                        List.of()));
            }
            d.send(Fixtures.detection("cam1", seq, T0 + seq * 200, List.of(at(100 + 20 * seq, 300, 3, 0.9f))));
            Map<Long, TrackFrame> out = frames(d, c);
            assertEquals(seq + 1, out.size());
            TrackFrame skipped = out.get(7L);
            assertEquals("SKIPPED_STALE", skipped.getStatus());
            assertEquals("status SKIPPED_STALE", skipped.getSkipped());
            assertEquals(TrackObjectState.LOST, skipped.getTracks().get(0).getState());
            assertEquals("cam1/1", idOf(out.get(4L), 0));
            assertEquals("cam1/1", idOf(out.get(seq), 0), "the same id 2 s later, where it would be by now");
            assertNull(out.get(seq).getSkipped());
            // gone for longer than the lost timeout: ENDED (reason timeout), at the time it was last seen
            long last = seq;
            for (int k = 0; k < 20; k++) {
                seq++;
                d.send(Fixtures.detection("cam1", seq, T0 + seq * 200, List.of()));
            }
            List<TrackEvent> ev = d.output(c.eventsTopic(), SinksSerdes.trackEvent()).readValuesToList();
            assertEquals(List.of("cam1/1 STARTED", "cam1/1 ENDED timeout"), events(ev));
            assertEquals(T0 + last * 200, ev.get(1).getTime().toEpochMilli());
            assertEquals(last * 200, ev.get(1).getDwellMs(), "ENDED carries the track's duration");
        }
    }

    @Test
    void aRestartResumesFromTheChangelogWithTheSameIds() {
        SinksConfig c = config();
        String changelog = c.get(SinksConfig.APPLICATION_ID) + "-" + TrackingTopology.STORE + "-changelog";
        List<TestRecord<String, byte[]>> saved;
        try (Driver d = new Driver(c, TrackingTopology.buildTopology(c))) {
            for (int k = 0; k < 10; k++) {
                d.send(Fixtures.detection("cam1", k, T0 + k * 200L, List.of(at(100 + 10 * k, 300, 3, 0.9f))));
            }
            assertTrue(d.driver.producedTopicNames().contains(changelog), d.driver.producedTopicNames().toString());
            saved = d.rawOutput(changelog).readRecordsToList();
        }
        assertFalse(saved.isEmpty());
        // a new instance (another task, after a crash or a rebalance) restores the store from its changelog
        try (Driver d = new Driver(c, TrackingTopology.buildTopology(c))) {
            KeyValueStore<String, CameraTracks> store = d.driver.getKeyValueStore(TrackingTopology.STORE);
            for (TestRecord<String, byte[]> r : saved) {
                store.put(r.key(), SinksSerdes.cameraTracks().deserializer().deserialize(changelog, r.value()));
            }
            for (int k = 10; k < 20; k++) {
                List<DetectedObject> o = new ArrayList<>(List.of(at(100 + 10 * k, 300, 3, 0.9f)));
                if (k >= 12) {
                    o.add(at(500, 200, Fixtures.TABBY, 0.9f));
                }
                d.send(Fixtures.detection("cam1", k, T0 + k * 200L, o));
            }
            Map<Long, TrackFrame> out = frames(d, c);
            assertEquals("cam1/1", idOf(out.get(10L), 0), "the first frame after the restart continues track 1");
            assertEquals("object > animal > dog", String.join(" > ", out.get(10L).getTracks().get(0).getLabelPath()
                    .stream().map(n -> n.getName()).toList()), "the label evidence came back with the state");
            assertEquals("cam1/1", idOf(out.get(19L), 0));
            assertEquals("cam1/2", idOf(out.get(19L), 1), "a new object gets the next number, not 1 again");
            List<TrackEvent> ev = d.output(c.eventsTopic(), SinksSerdes.trackEvent()).readValuesToList();
            assertEquals(List.of("cam1/2 STARTED"), events(ev), "no second STARTED for track 1");
        }
    }

    @Test
    void zonesFromTheZonesTopicGiveEventsAndUniqueTrackCounts() {
        SinksConfig c = config();
        try (Driver d = new Driver(c, TrackingTopology.buildTopology(c))) {
            TestInputTopic<String, byte[]> zones = d.driver.createInputTopic(c.zonesTopic(), new StringSerializer(),
                    new ByteArraySerializer());
            // a line across the street at x = 300, pointing down (its right side, the forward one, is the west),
            // and a yard 400..600 × 200..400 (normalized on the 640 × 480 frames) with a 1 s dwell limit
            ZoneSpec line = new ZoneSpec("cam1", "gate", ZoneKind.LINE, "Gate", ZoneCoordinates.PIXEL,
                    List.of(new Point(300, 100), new Point(300, 500)), null);
            ZoneSpec yard = new ZoneSpec("cam1", "yard", ZoneKind.ZONE, null, ZoneCoordinates.NORMALIZED,
                    List.of(new Point(400 / 640.0, 200 / 480.0), new Point(600 / 640.0, 200 / 480.0),
                            new Point(600 / 640.0, 400 / 480.0), new Point(400 / 640.0, 400 / 480.0)), 1000L);
            for (ZoneSpec z : List.of(line, yard)) {
                zones.pipeInput(z.key(), SinksSerdes.zoneDefinition().serializer().serialize("z",
                        ZoneCodec.toRecord(z, Instant.EPOCH, "api")));
            }
            zones.pipeInput("cam1/bad", new byte[]{1, 2, 3}); // skipped, not fatal
            // one object walks east along y = 300 (its anchor, the box's bottom centre, at y = 350): crosses the
            // gate, enters the yard, stays there 2 s and walks out of it eastwards
            long seq = 0;
            List<Double> xs = new ArrayList<>();
            for (double x = 150; x <= 500; x += 20) {
                xs.add(x);
            }
            for (int k = 0; k < 10; k++) {
                xs.add(490.0);
            }
            for (double x = 510; x <= 700; x += 20) {
                xs.add(x);
            }
            for (double x : xs) {
                d.send(Fixtures.detection("cam1", seq, T0 + seq * 200, List.of(at(x, 300, 3, 0.9f))));
                seq++;
            }
            List<TrackEvent> ev = d.output(c.eventsTopic(), SinksSerdes.trackEvent()).readValuesToList();
            // east through a line pointing south: from its right to its left, backward
            assertEquals(List.of("cam1/1 STARTED", "cam1/1 CROSSED gate backward", "cam1/1 ENTERED yard",
                    "cam1/1 DWELL yard", "cam1/1 LEFT yard"), events(ev));
            assertTrue(ev.get(4).getDwellMs() >= 2000, "LEFT carries the time inside: " + ev.get(4).getDwellMs());
            // a second object crossing westwards (forward), then a frame a minute later closes the window
            for (int k = 0; k < 8; k++, seq++) {
                d.send(Fixtures.detection("cam1", seq, T0 + seq * 200, List.of(at(390 - 30 * k, 150, 3, 0.9f))));
            }
            d.send(Fixtures.detection("cam1", seq, T0 + 120_000, List.of()));
            List<String> more = events(d.output(c.eventsTopic(), SinksSerdes.trackEvent()).readValuesToList());
            assertEquals(List.of("cam1/2 STARTED", "cam1/2 CROSSED gate forward", "cam1/1 ENDED timeout",
                    "cam1/2 ENDED timeout"), more);
            List<NodeCount> counts = d.output(c.countsTopic(), SinksSerdes.nodeCount()).readValuesToList().stream()
                    .filter(n -> n.getZone() != null && n.getWindowStart().toEpochMilli() == T0).toList();
            Map<String, String> byZone = counts.stream().collect(Collectors.toMap(NodeCount::getZone,
                    n -> n.getZoneKind() + " " + n.getNode() + " " + n.getCount() + " " + n.getForward() + " "
                            + n.getBackward()));
            assertEquals(Map.of("gate", "line * 2 1 1", "yard", "zone * 1 0 0"), byZone);
            assertEquals(c.eventsTopic(), counts.get(0).getTopic());
        }
    }

    @Test
    void theSubscriptionFilterReportsTracksOnceTheirLabelMatches() {
        SinksConfig c = config("subscribe", "dog");
        try (Driver d = new Driver(c, TrackingTopology.buildTopology(c))) {
            // a cat and something first seen only as "animal", then as a dog
            for (int k = 0; k < 24; k++) {
                int node = k < 4 ? 1 : 3;
                d.send(Fixtures.detection("cam1", k, T0 + k * 200L, List.of(at(100, 300, Fixtures.TABBY, 0.9f),
                        at(400 + 5 * k, 300, node, 0.9f))));
            }
            Map<Long, TrackFrame> out = frames(d, c);
            List<TrackEvent> ev = d.output(c.eventsTopic(), SinksSerdes.trackEvent()).readValuesToList();
            assertEquals(1, ev.size(), events(ev).toString());
            TrackEvent started = ev.get(0);
            assertEquals(TrackEventKind.STARTED, started.getKind());
            assertEquals("dog", started.getLabel());
            assertEquals(T0, started.getStartTime().toEpochMilli(), "its start is its first frame");
            assertTrue(started.getTime().toEpochMilli() > T0 + 4 * 200, "reported once it is a dog");
            assertTrue(out.values().stream().allMatch(f -> f.getTracks().stream()
                    .allMatch(t -> t.getLabelPath().stream().anyMatch(n -> n.getName().equals("dog")))),
                    "only dog tracks listed");
        }
    }

    @Test
    void anIdleCameraEndsItsTracksOnTheWallClock() {
        SinksConfig c = config("track-idle-end", "5s");
        try (Driver d = new Driver(c, TrackingTopology.buildTopology(c))) {
            for (int k = 0; k < 5; k++) {
                d.send(Fixtures.detection("cam1", k, T0 + k * 200L, List.of(at(100, 300, 3, 0.9f))));
            }
            d.driver.advanceWallClockTime(Duration.ofSeconds(3));
            assertEquals(List.of("cam1/1 STARTED"), events(d.output(c.eventsTopic(), SinksSerdes.trackEvent())
                    .readValuesToList()));
            d.driver.advanceWallClockTime(Duration.ofSeconds(3));
            List<TrackEvent> ev = d.output(c.eventsTopic(), SinksSerdes.trackEvent()).readValuesToList();
            assertEquals(List.of("cam1/1 ENDED idle"), events(ev));
            assertEquals(4, ev.get(0).getSequence(), "the camera's last frame");
            // the JSON mirrors
            List<JsonNode> json = new ArrayList<>();
            for (byte[] b : d.rawOutput(c.eventsJsonTopic()).readValuesToList()) {
                json.add(new ObjectMapper().readTree(b));
            }
            assertEquals("ENDED", json.get(json.size() - 1).get("kind").asText());
            JsonNode frame = new ObjectMapper().readTree(d.rawOutput(c.tracksJsonTopic()).readValuesToList().get(4));
            assertEquals("cam1/1", frame.at("/tracks/0/trackId").asText());
            assertEquals("dog", frame.at("/tracks/0/label").asText());
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theZoneCountsNeedNoRepartitionTopic() {
        // the tracker keeps the camera key (a fixed-key processor): its outputs are grouped where they are
        String described = TrackingTopology.buildTopology(config()).describe().toString();
        assertTrue(described.contains("zone-counts"), described);
        assertFalse(described.contains("repartition"), described);
    }

    @Test
    void trackingOffAddsNothing() {
        SinksConfig c = config("tracking", "false");
        assertFalse(c.outputTopics().contains(c.tracksTopic()));
        assertFalse(TrackingTopology.buildTopology(c).describe().toString().contains("track"));
    }

    @Test
    void countsWrittenBeforeTheZoneFieldsStillDecode() throws Exception {
        // a NodeCount of version 1 (before zone, zoneKind, forward, backward), as retained on the counts topic
        org.apache.avro.Schema v1 = new org.apache.avro.Schema.Parser().parse(getClass().getResourceAsStream(
                "/io/yolostream/schemas/NodeCount-v1.avsc"));
        org.apache.avro.generic.GenericRecord old = new org.apache.avro.generic.GenericData.Record(v1);
        old.put("cameraId", "cam1");
        old.put("node", "dog");
        old.put("topic", "detections.dog");
        old.put("windowStart", T0);
        old.put("windowEnd", T0 + 60_000);
        old.put("count", 7L);
        byte[] bytes = new org.apache.avro.message.BinaryMessageEncoder<org.apache.avro.generic.GenericRecord>(
                org.apache.avro.generic.GenericData.get(), v1).encode(old).array();
        NodeCount n = SinksSerdes.nodeCount().deserializer().deserialize("detections.counts", bytes);
        assertEquals("dog", n.getNode());
        assertEquals(7, n.getCount());
        assertNull(n.getZone());
        assertEquals(0, n.getForward());
    }
}
