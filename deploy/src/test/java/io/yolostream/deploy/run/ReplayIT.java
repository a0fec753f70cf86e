package io.yolostream.deploy.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.yolostream.deploy.cli.YolostreamCommand;
import io.yolostream.detector.avro.DetectedObject;
import io.yolostream.detector.avro.Detection;
import io.yolostream.detector.avro.DetectionStatus;
import io.yolostream.ingest.avro.Frame;
import io.yolostream.ingest.source.TestVideos;
import io.yolostream.kafka.embedded.EmbeddedKafka;
import io.yolostream.sinks.avro.RoutedDetection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code yolostream replay FILE} end to end, in this JVM: a recorded clip through the embedded broker, ingest (replay
 * mode), the detector (a tiny random-weight darknet model on ONNX Runtime) and the sinks; then the broker is started
 * again on the same data dir and the topics are read back: one committed detection per frame of the replay, and the
 * subscribed hierarchy topics holding exactly the objects of their label.
 */
class ReplayIT {
    @Test
    void replayDetectsEveryFrameWritesJsonLinesAndRoutesHierarchyTopics(@TempDir Path dir) throws Exception {
        Path clip = TestVideos.record(dir.resolve("street cam.mp4"), 160, 120, 25, 30, 300_000);
        AllInOneKit.Model model = AllInOneKit.model(dir.resolve("model"));
        Path data = dir.resolve("data");
        Path out = dir.resolve("out").resolve("street.jsonl");

        List<String> args = new ArrayList<>(List.of("replay", clip.toString(), "--data-dir", data.toString(),
                "--fps", "0", "--speed", "max", "--subscribe", String.join(",", AllInOneKit.LABELS),
                "--out", out.toString(), "--track"));
        args.addAll(model.flags());
        StringWriter stdout = new StringWriter();
        StringWriter stderr = new StringWriter();
        CommandLine cl = YolostreamCommand.commandLine();
        cl.setOut(new PrintWriter(stdout, true));
        cl.setErr(new PrintWriter(stderr, true));
        int rc = cl.execute(args.toArray(String[]::new));
        assertEquals(0, rc, () -> "replay failed:\n" + stdout + "\n" + stderr);
        String console = stdout.toString();
        assertTrue(console.contains("replayed camera street_cam"), console);
        assertTrue(console.contains("objects"), console);
        assertFalse(console.contains("had not caught up"), console);
        // this replay's token: in the live view's link, and in a file for its owner only
        java.util.regex.Matcher link = java.util.regex.Pattern.compile(
                "live view\\s+http://127\\.0\\.0\\.1:\\d+/\\?token=([A-Za-z0-9_-]{43})").matcher(console);
        assertTrue(link.find(), console);
        Path tokenFile = data.resolve("replay.token");
        assertEquals(link.group(1), Files.readString(tokenFile).strip());
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(tokenFile)));

        // the JSON Lines file: one line per frame, in frame order, one session
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(out)) {
            lines.add(json.readTree(line));
        }
        assertFalse(lines.isEmpty());
        String session = lines.get(0).get("sessionId").asText();
        for (int i = 0; i < lines.size(); i++) {
            JsonNode l = lines.get(i);
            assertEquals("street_cam", l.get("cameraId").asText());
            assertEquals(session, l.get("sessionId").asText());
            assertEquals("REPLAY", l.get("source").asText());
            if (i > 0) {
                assertTrue(l.get("sequence").asLong() > lines.get(i - 1).get("sequence").asLong(), "frame order");
            }
        }
        assertTrue(console.contains("frames       " + lines.size() + " "), console);
        // --track: every line carries its frame's tracks and events; the summary counts them
        assertTrue(lines.stream().allMatch(l -> l.get("tracks").isArray() && l.get("events").isArray()),
                "tracks and events on every line");
        assertTrue(console.contains("tracks       "), console);
        assertFalse(console.contains("incomplete"), console);

        // the broker again, on the same data: what the replay left in the topics
        try (EmbeddedKafka broker = new EmbeddedKafka(data.resolve("kafka"), 0, Map.of())) {
            String bootstrap = broker.bootstrapServers();
            // the all-in-one's retention on the frames topic (docs/data-safety.md)
            try (io.yolostream.kafka.TopicAdmin admin = io.yolostream.kafka.TopicAdmin.connect(bootstrap, Map.of(),
                    30_000)) {
                int partitions = admin.describe("frames").partitions().size();
                assertEquals(String.valueOf(AllInOne.FRAMES_RETENTION_MINUTES * 60_000L),
                        admin.config("frames", "retention.ms"));
                assertEquals(String.valueOf(((long) AllInOne.FRAMES_RETENTION_MB << 20) / partitions),
                        admin.config("frames", "retention.bytes"));
            }
            Set<Long> frameSeqs = AllInOneKit.frames(bootstrap).stream()
                    .filter(f -> f.getSessionId().equals(session)).map(Frame::getSequence)
                    .collect(Collectors.toCollection(TreeSet::new));
            assertEquals(lines.size(), frameSeqs.size(), "frames of the replay vs JSON lines");

            List<Detection> mine = AllInOneKit.detections(bootstrap).stream()
                    .filter(d -> d.getSessionId().equals(session)).toList();
            assertEquals(frameSeqs.size(), mine.size(), "one committed detection record per frame");
            assertEquals(frameSeqs, mine.stream().map(Detection::getSequence)
                    .collect(Collectors.toCollection(TreeSet::new)), "the frames' sequences, each once");
            assertTrue(mine.stream().allMatch(d -> d.getStatus() == DetectionStatus.OK), "replays are never stale");

            Map<String, Long> objectsPerLabel = new HashMap<>();
            for (Detection d : mine) {
                for (DetectedObject o : d.getObjects()) {
                    objectsPerLabel.merge(o.getLabel(), 1L, Long::sum);
                }
            }
            assertFalse(objectsPerLabel.isEmpty(), "a random model at threshold 0.01 finds objects");

            long routedTotal = 0;
            for (String label : AllInOneKit.LABELS) {
                String topic = "detections." + label;
                List<RoutedDetection> routed = AllInOneKit.routed(bootstrap, topic).stream()
                        .filter(r -> r.getSessionId().equals(session)).toList();
                for (RoutedDetection r : routed) {
                    assertEquals(label, r.getLabel(), topic);
                    assertEquals(topic, r.getNode().getTopic());
                    assertEquals(label, r.getPath().get(r.getPath().size() - 1).getName(), "path ends at the label");
                    assertTrue(frameSeqs.contains(r.getSequence()));
                }
                assertEquals(objectsPerLabel.getOrDefault(label, 0L), (long) routed.size(),
                        topic + ": one record per object of that label");
                routedTotal += routed.size();
            }
            assertTrue(routedTotal > 0, "some objects were routed to the hierarchy topics");

            // the sinks' tracks topic: one record per frame of the replay, the ids the lines carry
            List<io.yolostream.sinks.avro.TrackFrame> tracks = broker.readAll("tracks").stream()
                    .map(r -> io.yolostream.sinks.common.SinksSerdes.trackFrame().deserializer().deserialize("t",
                            r.value())).filter(f -> f.getSessionId().equals(session)).toList();
            assertEquals(frameSeqs, tracks.stream().map(io.yolostream.sinks.avro.TrackFrame::getSequence)
                    .collect(Collectors.toCollection(TreeSet::new)), "one tracks record per frame");
            Set<String> idsInLines = new TreeSet<>();
            lines.forEach(l -> l.get("tracks").forEach(t -> idsInLines.add(t.get("trackId").asText())));
            Set<String> idsInTopic = new TreeSet<>();
            tracks.forEach(f -> f.getTracks().forEach(t -> idsInTopic.add(t.getTrackId())));
            assertEquals(idsInTopic, idsInLines);
        }
    }
}
