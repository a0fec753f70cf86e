package io.yolostream.deploy.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.yolostream.detector.decode.DetectedBox;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;

/**
 * One line of {@code detect-image --json}: {@code {"image","width","height","size","detections":[{"box":{"left",
 * "top","width","height"},"objectness","label","labelId","score","path":[...],"classes":[...]}]}}. Pixels to 0.01,
 * probabilities to 6 digits (enough to compare with darknet's floats); a non-finite value is null (JSON has no NaN).
 */
final class DetectImageJson {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.core.JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

    private DetectImageJson() {
    }

    static String line(String image, int width, int height, int[] size, List<DetectedBox> detections,
                       boolean withClasses) {
        ObjectNode n = JSON.createObjectNode();
        n.put("image", image);
        n.put("width", width);
        n.put("height", height);
        if (size[0] == size[1]) {
            n.put("size", size[0]);
        } else {
            n.put("size", size[0] + "x" + size[1]);
        }
        ArrayNode dets = n.putArray("detections");
        detections.forEach(d -> object(dets.addObject(), d, withClasses));
        try {
            return JSON.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("JSON of the detections in " + image, e);
        }
    }

    private static void object(ObjectNode j, DetectedBox d, boolean withClasses) {
        DetectedBox.Box b = d.box();
        ObjectNode box = j.putObject("box");
        put(box, "left", b.left(), 2);
        put(box, "top", b.top(), 2);
        put(box, "width", b.width(), 2);
        put(box, "height", b.height(), 2);
        put(j, "objectness", d.objectness(), 6);
        j.put("label", d.label());
        j.put("labelId", d.labelId());
        put(j, "score", d.score(), 6);
        ArrayNode path = j.putArray("path");
        for (DetectedBox.PathNode p : d.path()) {
            ObjectNode pj = path.addObject();
            pj.put("name", p.name());
            pj.put("labelId", p.labelId());
            put(pj, "conditional", p.conditional(), 6);
            put(pj, "probability", p.probability(), 6);
        }
        if (withClasses) {
            ArrayNode classes = j.putArray("classes");
            for (DetectedBox.ClassScore c : d.classes()) {
                ObjectNode cj = classes.addObject();
                cj.put("id", c.id());
                cj.put("name", c.name());
                put(cj, "prob", c.prob(), 6);
            }
        }
    }

    private static void put(ObjectNode n, String field, float v, int decimals) {
        if (Float.isFinite(v)) {
            n.put(field, new BigDecimal(v).setScale(decimals, RoundingMode.HALF_UP));
        } else {
            n.putNull(field);
        }
    }
}
