package io.yolostream.deploy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.yolostream.deploy.track.MotFile;
import io.yolostream.deploy.track.MotRow;
import io.yolostream.deploy.track.SyntheticScenes;
import io.yolostream.detector.avro.DetectedObject;
import io.yolostream.detector.avro.Detection;
import io.yolostream.detector.avro.DetectionStatus;
import io.yolostream.detector.avro.FrameSource;
import io.yolostream.detector.avro.PathNode;
import io.yolostream.detector.avro.Timings;
import io.yolostream.detector.schema.DetectionJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static io.yolostream.deploy.cli.CliResult.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code yolostream track} and {@code track-eval} on files made here. */
class TrackCommandTest {
    @TempDir
    Path dir;

    @Test
    void motChallengeInTracksOutAndTheirScores() throws Exception {
        SyntheticScenes.Scene s = SyntheticScenes.scene("crossing", 5, 1);
        Path dets = dir.resolve("det.txt");
        Path gt = dir.resolve("gt.txt");
        MotFile.write(dets, s.detections());
        MotFile.write(gt, s.gt());
        Path tracks = dir.resolve("out").resolve("tracks.txt");
        CliResult r = run("track", "--format", "motchallenge", "--fps", "5", "--frames", "150", "--in", dets.toString(),
                "--out", tracks.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("tracked 150 frames"), r.out());
        List<MotRow> rows = MotFile.read(tracks);
        assertTrue(rows.stream().allMatch(x -> x.id().matches("\\d+")), "numeric ids");
        assertEquals(8, rows.stream().map(MotRow::id).distinct().count(), "8 walkers, 8 tracks");
        assertTrue(Files.readAllLines(tracks).get(0).endsWith(",-1,-1,-1"), "frame,id,left,top,width,height,conf,-1,-1,-1");

        CliResult eval = run("track-eval", "--gt", gt.toString(), "--tracks", tracks.toString());
        assertEquals(0, eval.exitCode(), eval.err());
        assertTrue(eval.out().contains("ID sw.     0"), eval.out());
        assertTrue(eval.out().matches("(?s).*IDF1       0\\.9\\d\\d.*"), eval.out());
    }

    private static Detection detection(long seq, long time, double x) {
        List<PathNode> path = List.of(new PathNode("object", 0, 1f, 0.9f), new PathNode("animal", 1, 0.95f, 0.9f),
                new PathNode("dog", 3, 0.95f, 0.85f));
        DetectedObject o = new DetectedObject((float) x - 20, 250f, 40f, 100f, 0.9f, "dog", 3, 0.85f, path);
        return Detection.newBuilder().setCameraId("gate").setSequence(seq).setCaptureTime(Instant.ofEpochMilli(time))
                .setDetectTime(Instant.ofEpochMilli(time)).setSource(FrameSource.REPLAY).setSessionId("s1")
                .setStatus(DetectionStatus.OK).setReason(null).setModelId("m").setInputWidth(416).setInputHeight(416)
                .setBatchSize(1).setImageWidth(640).setImageHeight(480).setObjects(List.of(o))
                .setTimings(new Timings(0f, 0f, 0f, 0f, 0f)).setFramePartition(0).setFrameOffset(seq).build();
    }

    @Test
    void jsonLinesOfAReplayWithZonesGiveTracksAndEvents() throws Exception {
        List<String> lines = new ArrayList<>();
        for (int k = 0; k < 20; k++) {
            lines.add(new String(DetectionJson.toBytes(detection(100 + k, 1_750_000_000_000L + k * 200L, 100 + 25 * k)),
                    StandardCharsets.UTF_8));
        }
        Path in = Files.write(dir.resolve("gate.jsonl"), lines);
        Path zones = Files.writeString(dir.resolve("zones.json"), "[{\"camera\":\"gate\",\"id\":\"in\",\"kind\":"
                + "\"line\",\"points\":[[0.5,0],[0.5,1]],\"coordinates\":\"normalized\"}]");
        Path out = dir.resolve("tracks.jsonl");
        Path events = dir.resolve("events.jsonl");
        CliResult r = run("track", "--format", "jsonl", "--in", in.toString(), "--out", out.toString(), "--zones",
                zones.toString(), "--events", events.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("tracks   1 (dog 1)"), r.out());
        List<JsonNode> frames = new ArrayList<>();
        for (String l : Files.readAllLines(out)) {
            frames.add(new ObjectMapper().readTree(l));
        }
        assertEquals(20, frames.size(), "one line per record");
        assertEquals("gate/1", frames.get(19).at("/tracks/0/trackId").asText());
        assertEquals("object > animal > dog", String.join(" > ", frames.get(19).at("/tracks/0/labelPath")
                .findValuesAsText("name")));
        List<String> kinds = new ArrayList<>();
        for (String l : Files.readAllLines(events)) {
            JsonNode e = new ObjectMapper().readTree(l);
            kinds.add(e.get("kind").asText() + (e.get("zone").isNull() ? "" : " " + e.get("zone").asText() + " "
                    + e.get("direction").asText()) + (e.get("reason").isNull() ? "" : " " + e.get("reason").asText()));
        }
        // the line points down: walking east goes from its right to its left
        assertEquals(List.of("STARTED", "CROSSED in backward", "ENDED end"), kinds);
        assertTrue(frames.stream().anyMatch(f -> f.get("events").size() > 0), "events also inline");

        // the same file to MOTChallenge: one camera, numeric ids
        Path mot = dir.resolve("tracks.txt");
        assertEquals(0, run("track", "--format", "jsonl", "--in", in.toString(), "--out", mot.toString(),
                "--out-format", "motchallenge").exitCode());
        Set<String> ids = MotFile.read(mot).stream().map(MotRow::id).collect(Collectors.toSet());
        assertEquals(Set.of("1"), ids);
    }

    @Test
    void badInputIsOneLineSayingWhatWasExpected() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.txt"), "1,-1,10,10,5,5,0.9,-1,-1,-1\n2,-1,10,ten,5,5,0.9\n");
        CliResult r = run("track", "--format", "motchallenge", "--fps", "5", "--in", bad.toString(), "--out",
                dir.resolve("o.txt").toString());
        assertEquals(2, r.exitCode());
        assertEquals("error: " + bad + ":2: expected numbers in 'frame,id,left,top,width,height,conf', found "
                + "'2,-1,10,ten,5,5,0.9'", r.err().strip());
        CliResult noFps = run("track", "--in", bad.toString(), "--out", dir.resolve("o.txt").toString());
        assertTrue(noFps.err().contains("--fps: expected the frame rate"), noFps.err());
        CliResult fmt = run("track", "--format", "csv", "--in", bad.toString(), "--out", dir.resolve("o.txt").toString());
        assertTrue(fmt.err().contains("--format: expected motchallenge or jsonl, found 'csv'"), fmt.err());
        Path notJson = Files.writeString(dir.resolve("x.jsonl"), "{\"cameraId\":\"a\"}\n");
        CliResult j = run("track", "--format", "jsonl", "--in", notJson.toString(), "--out", dir.resolve("o").toString());
        assertTrue(j.err().contains(notJson + ":1: expected a detection record with cameraId, captureTime and "
                + "objects"), j.err());
        CliResult zones = run("track", "--format", "jsonl", "--in", notJson.toString(), "--out",
                dir.resolve("o").toString(), "--zones", dir.resolve("none.json").toString());
        assertTrue(zones.err().contains("zones: expected a readable JSON file of zones"), zones.err());
    }

    @Test
    void theCommandsAreListed() {
        CliResult r = run("--help");
        for (String c : List.of("track", "track-eval", "track-compare", "bench-track")) {
            assertTrue(r.out().contains(" " + c + " "), c + " in\n" + r.out());
        }
    }
}
