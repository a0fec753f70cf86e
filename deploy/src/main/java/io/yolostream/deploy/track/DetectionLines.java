package io.yolostream.deploy.track;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.yolostream.detector.avro.DetectedObject;
import io.yolostream.detector.avro.Detection;
import io.yolostream.detector.avro.DetectionStatus;
import io.yolostream.detector.avro.FrameSource;
import io.yolostream.detector.avro.PathNode;
import io.yolostream.detector.avro.Timings;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the JSON Lines that {@code replay --out} writes (and the {@code detections.json} topic carries): one
 * detection record per line, the fields of Detection.avsc. Fields the tracker does not need may be missing.
 */
public final class DetectionLines {
    private static final ObjectMapper JSON = new ObjectMapper();

    private DetectionLines() {
    }

    public static List<Detection> read(Path file) {
        List<Detection> out = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                if (!line.isBlank()) {
                    out.add(parse(line, file + ":" + n));
                }
            }
        } catch (IOException e) {
            throw new TrackFileException("JSON Lines file " + file + ": cannot read it: " + e.getMessage());
        }
        return out;
    }

    static Detection parse(String line, String where) {
        JsonNode n;
        try {
            n = JSON.readTree(line);
        } catch (IOException e) {
            throw new TrackFileException(where + ": expected a JSON detection record (as replay --out writes), found "
                    + "malformed JSON");
        }
        if (n == null || !n.isObject() || !n.hasNonNull("cameraId") || !n.hasNonNull("captureTime")
                || !n.has("objects") || !n.get("objects").isArray()) {
            throw new TrackFileException(where + ": expected a detection record with cameraId, captureTime and "
                    + "objects, found " + abbreviate(line));
        }
        List<DetectedObject> objects = new ArrayList<>();
        for (JsonNode o : n.get("objects")) {
            List<PathNode> path = new ArrayList<>();
            for (JsonNode p : o.path("path")) {
                path.add(new PathNode(p.path("name").asText(""), p.path("labelId").asInt(-1),
                        (float) p.path("conditional").asDouble(1), (float) p.path("probability").asDouble(0)));
            }
            if (!o.has("left") || !o.has("top") || !o.has("width") || !o.has("height")) {
                throw new TrackFileException(where + ": expected left, top, width and height on every object, found "
                        + abbreviate(o.toString()));
            }
            objects.add(new DetectedObject((float) o.get("left").asDouble(), (float) o.get("top").asDouble(),
                    (float) o.get("width").asDouble(), (float) o.get("height").asDouble(),
                    (float) o.path("objectness").asDouble(0), o.path("label").asText(""), o.path("labelId").asInt(-1),
                    (float) o.path("score").asDouble(0), path));
        }
        DetectionStatus status;
        try {
            status = DetectionStatus.valueOf(n.path("status").asText("OK"));
        } catch (IllegalArgumentException e) {
            throw new TrackFileException(where + ": status: expected OK, SKIPPED_STALE or ERROR, found "
                    + n.get("status"));
        }
        FrameSource source = "LIVE".equals(n.path("source").asText("REPLAY")) ? FrameSource.LIVE : FrameSource.REPLAY;
        return Detection.newBuilder().setCameraId(n.get("cameraId").asText()).setSequence(n.path("sequence").asLong(0))
                .setCaptureTime(Instant.ofEpochMilli(n.get("captureTime").asLong()))
                .setDetectTime(Instant.ofEpochMilli(n.path("detectTime").asLong(n.get("captureTime").asLong())))
                .setSource(source).setSessionId(n.path("sessionId").asText("offline")).setStatus(status)
                .setReason(n.hasNonNull("reason") ? n.get("reason").asText() : null)
                .setModelId(n.path("modelId").asText("")).setInputWidth(n.path("inputWidth").asInt(0))
                .setInputHeight(n.path("inputHeight").asInt(0)).setBatchSize(n.path("batchSize").asInt(0))
                .setImageWidth(n.path("imageWidth").asInt(0)).setImageHeight(n.path("imageHeight").asInt(0))
                .setObjects(objects).setTimings(new Timings(0f, 0f, 0f, 0f, 0f))
                .setFramePartition(n.path("framePartition").asInt(0)).setFrameOffset(n.path("frameOffset").asLong(0))
                .build();
    }

    private static String abbreviate(String s) {
        return s.length() > 120 ? s.substring(0, 117) + "..." : s;
    }
}
