package io.yolostream.detector.schema;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.yolostream.detector.avro.DetectedObject;
import io.yolostream.detector.avro.Detection;
import io.yolostream.detector.avro.PathNode;
import io.yolostream.detector.avro.Timings;

import java.io.UncheckedIOException;

/**
 * A detection record as plain JSON, one object per line: the fields of {@code Detection.avsc} with the same names,
 * times as epoch milliseconds, enums as their names, {@code reason} null when absent (no Avro union wrappers).
 * Non-finite floats are written as null (JSON has no NaN).
 */
public final class DetectionJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private DetectionJson() {
    }

    public static byte[] toBytes(Detection d) {
        try {
            return JSON.writeValueAsBytes(toJson(d));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("JSON of detection " + d.getCameraId() + "#" + d.getSequence(), e);
        }
    }

    public static ObjectNode toJson(Detection d) {
        ObjectNode n = JSON.createObjectNode();
        n.put("cameraId", d.getCameraId());
        n.put("sequence", d.getSequence());
        n.put("captureTime", d.getCaptureTime().toEpochMilli());
        n.put("detectTime", d.getDetectTime().toEpochMilli());
        n.put("source", d.getSource().name());
        n.put("sessionId", d.getSessionId());
        n.put("status", d.getStatus().name());
        n.put("reason", d.getReason());
        n.put("modelId", d.getModelId());
        n.put("inputWidth", d.getInputWidth());
        n.put("inputHeight", d.getInputHeight());
        n.put("batchSize", d.getBatchSize());
        n.put("imageWidth", d.getImageWidth());
        n.put("imageHeight", d.getImageHeight());
        ArrayNode objects = n.putArray("objects");
        for (DetectedObject o : d.getObjects()) {
            ObjectNode j = objects.addObject();
            put(j, "left", o.getLeft());
            put(j, "top", o.getTop());
            put(j, "width", o.getWidth());
            put(j, "height", o.getHeight());
            put(j, "objectness", o.getObjectness());
            j.put("label", o.getLabel());
            j.put("labelId", o.getLabelId());
            put(j, "score", o.getScore());
            ArrayNode path = j.putArray("path");
            for (PathNode p : o.getPath()) {
                ObjectNode pj = path.addObject();
                pj.put("name", p.getName());
                pj.put("labelId", p.getLabelId());
                put(pj, "conditional", p.getConditional());
                put(pj, "probability", p.getProbability());
            }
        }
        Timings t = d.getTimings();
        ObjectNode tj = n.putObject("timings");
        put(tj, "queueMs", t.getQueueMs());
        put(tj, "jpegDecodeMs", t.getJpegDecodeMs());
        put(tj, "preprocessMs", t.getPreprocessMs());
        put(tj, "inferenceMs", t.getInferenceMs());
        put(tj, "decodeMs", t.getDecodeMs());
        n.put("framePartition", d.getFramePartition());
        n.put("frameOffset", d.getFrameOffset());
        return n;
    }

    private static void put(ObjectNode n, String field, float v) {
        if (Float.isFinite(v)) {
            n.put(field, v);
        } else {
            n.putNull(field);
        }
    }
}
