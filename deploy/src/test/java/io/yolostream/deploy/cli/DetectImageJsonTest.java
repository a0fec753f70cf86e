package io.yolostream.deploy.cli;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.yolostream.detector.decode.DetectedBox;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code detect-image --json} writes valid JSON whatever the model's floats and the file's name. */
class DetectImageJsonTest {
    private static final ObjectMapper STRICT = JsonMapper.builder()
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS, JsonReadFeature.ALLOW_UNESCAPED_CONTROL_CHARS).build();

    @Test
    void nonFiniteValuesAreNullAndNamesAreEscaped() throws Exception {
        for (float v : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0.123456789f}) {
            DetectedBox d = new DetectedBox(new DetectedBox.Box(v, v, v, v), v, 1, "do\"g\n", v,
                    List.of(new DetectedBox.PathNode(1, "an\u0000imal", v, v)),
                    List.of(new DetectedBox.ClassScore(1, "dog", v)));
            String line = DetectImageJson.line("dir/we\"ird\tname.jpg", 640, 480, new int[] {416, 416}, List.of(d),
                    true);
            JsonNode n = STRICT.readTree(line);
            assertFalse(line.contains("NaN") || line.contains("Infinity"), line);
            assertEquals("dir/we\"ird\tname.jpg", n.get("image").asText());
            JsonNode o = n.get("detections").get(0);
            assertEquals("do\"g\n", o.get("label").asText());
            for (JsonNode number : List.of(o.get("box").get("left"), o.get("score"), o.get("objectness"),
                    o.get("path").get(0).get("probability"), o.get("classes").get(0).get("prob"))) {
                if (Float.isFinite(v)) {
                    assertEquals(v, number.doubleValue(), 5e-3, line); // box to 0.01, probabilities to 6 digits
                } else {
                    assertTrue(number.isNull(), line);
                }
            }
        }
    }
}
