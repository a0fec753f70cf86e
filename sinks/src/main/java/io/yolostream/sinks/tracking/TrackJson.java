package io.yolostream.sinks.tracking;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.yolostream.sinks.avro.LabelSupportNode;
import io.yolostream.sinks.avro.TrackEvent;
import io.yolostream.sinks.avro.TrackFrame;
import io.yolostream.sinks.avro.TrackedObject;
import io.yolostream.sinks.avro.ZoneRef;

import java.io.UncheckedIOException;
import java.util.List;

/**
 * Track frames and events as plain JSON (the {@code tracks.json} and {@code events.json} mirrors, {@code yolostream
 * track --format jsonl}, {@code replay --track}): the fields of TrackFrame.avsc and TrackEvent.avsc with the same
 * names, times as epoch milliseconds, enums as their names, absent optional fields as null.
 */
public final class TrackJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TrackJson() {
    }

    public static byte[] toBytes(TrackFrame f) {
        return bytes(toJson(f), "track frame " + f.getCameraId() + "#" + f.getSequence());
    }

    public static byte[] toBytes(TrackEvent e) {
        return bytes(toJson(e), "track event " + e.getTrackId());
    }

    public static ObjectNode toJson(TrackFrame f) {
        ObjectNode n = JSON.createObjectNode();
        n.put("cameraId", f.getCameraId());
        n.put("sequence", f.getSequence());
        n.put("captureTime", f.getCaptureTime().toEpochMilli());
        n.put("sessionId", f.getSessionId());
        n.put("status", f.getStatus());
        n.put("skipped", f.getSkipped());
        n.put("imageWidth", f.getImageWidth());
        n.put("imageHeight", f.getImageHeight());
        ArrayNode zones = n.putArray("zones");
        for (ZoneRef z : f.getZones()) {
            zones.addObject().put("id", z.getId()).put("kind", z.getKind());
        }
        ArrayNode tracks = n.putArray("tracks");
        for (TrackedObject o : f.getTracks()) {
            ObjectNode t = tracks.addObject();
            t.put("trackId", o.getTrackId());
            t.put("state", o.getState().name());
            t.put("left", o.getLeft());
            t.put("top", o.getTop());
            t.put("width", o.getWidth());
            t.put("height", o.getHeight());
            t.put("vx", o.getVx());
            t.put("vy", o.getVy());
            t.put("objectIndex", o.getObjectIndex());
            t.put("score", o.getScore());
            t.put("hits", o.getHits());
            t.put("startTime", o.getStartTime().toEpochMilli());
            t.put("lastSeenTime", o.getLastSeenTime().toEpochMilli());
            t.put("label", o.getLabel());
            path(t.putArray("labelPath"), o.getLabelPath());
            strings(t.putArray("inZones"), o.getInZones());
            strings(t.putArray("crossed"), o.getCrossed());
        }
        return n;
    }

    public static ObjectNode toJson(TrackEvent e) {
        ObjectNode n = JSON.createObjectNode();
        n.put("cameraId", e.getCameraId());
        n.put("trackId", e.getTrackId());
        n.put("kind", e.getKind().name());
        n.put("time", e.getTime().toEpochMilli());
        n.put("zone", e.getZone());
        n.put("direction", e.getDirection());
        n.put("dwellMs", e.getDwellMs());
        n.put("reason", e.getReason());
        n.put("label", e.getLabel());
        path(n.putArray("labelPath"), e.getLabelPath());
        n.put("left", e.getLeft());
        n.put("top", e.getTop());
        n.put("width", e.getWidth());
        n.put("height", e.getHeight());
        n.put("startTime", e.getStartTime().toEpochMilli());
        n.put("sequence", e.getSequence());
        n.put("sessionId", e.getSessionId());
        return n;
    }

    private static void path(ArrayNode a, List<LabelSupportNode> path) {
        for (LabelSupportNode p : path) {
            a.addObject().put("name", p.getName()).put("wordnetId", p.getWordnetId()).put("labelId", p.getLabelId())
                    .put("support", p.getSupport());
        }
    }

    private static void strings(ArrayNode a, List<String> values) {
        values.forEach(a::add);
    }

    private static byte[] bytes(ObjectNode n, String what) {
        try {
            return JSON.writeValueAsBytes(n);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("JSON of " + what, e);
        }
    }
}
