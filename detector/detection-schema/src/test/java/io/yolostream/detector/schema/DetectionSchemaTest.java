package io.yolostream.detector.schema;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.yolostream.detector.avro.DetectedObject;
import io.yolostream.detector.avro.Detection;
import io.yolostream.detector.avro.DetectionStatus;
import io.yolostream.detector.avro.FrameSource;
import io.yolostream.detector.avro.PathNode;
import io.yolostream.detector.avro.Timings;
import io.yolostream.schema.SchemaException;
import io.yolostream.schema.SingleObjectCodec;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.util.RandomData;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DetectionSchemaTest {
    /** A strict reader: NaN, Infinity, control characters and other non-JSON are errors. */
    private static final ObjectMapper STRICT = JsonMapper.builder()
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS, JsonReadFeature.ALLOW_UNESCAPED_CONTROL_CHARS).build();

    static Detection detection(float value, String text) {
        return Detection.newBuilder().setCameraId("cam\"1\n" + text).setSequence(7)
                .setCaptureTime(Instant.ofEpochMilli(1_000)).setDetectTime(Instant.ofEpochMilli(1_005))
                .setSource(FrameSource.LIVE).setSessionId("s\u0000\u2028").setStatus(DetectionStatus.ERROR)
                .setReason("bad </script> \\ \t" + text).setModelId("m@0").setInputWidth(416).setInputHeight(416)
                .setBatchSize(1).setImageWidth(640).setImageHeight(480)
                .setObjects(List.of(new DetectedObject(value, value, value, value, value, "label\u0007" + text, 3,
                        value, List.of(new PathNode("root", 0, value, value)))))
                .setTimings(new Timings(value, value, value, value, value)).setFramePartition(0).setFrameOffset(9)
                .build();
    }

    @Test
    void everyFloatValueAndEveryStringGivesValidJson() throws Exception {
        for (float v : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f,
                Float.MIN_VALUE, Float.MAX_VALUE, 0.5f}) {
            byte[] bytes = DetectionJson.toBytes(detection(v, "\uD83D\uDE00 \"}{"));
            String text = new String(bytes, StandardCharsets.UTF_8);
            JsonNode n = STRICT.readTree(bytes);
            assertFalse(text.contains("NaN") || text.contains("Infinity"), text);
            JsonNode o = n.get("objects").get(0);
            for (JsonNode number : List.of(o.get("left"), o.get("score"), o.get("path").get(0).get("probability"),
                    n.get("timings").get("inferenceMs"))) {
                if (Float.isFinite(v)) {
                    assertEquals(v, number.floatValue(), 0f, text);
                } else {
                    assertTrue(number.isNull(), "a non-finite value is null: " + text);
                }
            }
            assertEquals("cam\"1\n\uD83D\uDE00 \"}{", n.get("cameraId").asText());
            assertEquals("s\u0000\u2028", n.get("sessionId").asText());
            assertEquals("label\u0007\uD83D\uDE00 \"}{", o.get("label").asText());
        }
    }

    @Test
    void theCurrentSchemaIsReleasedAndReadsEveryReleasedVersion() {
        SingleObjectCodec<Detection> codec = DetectionCodec.codec();
        assertEquals(List.of(), codec.historyProblems());
        assertEquals(List.of(), codec.releasedRecordProblems(50, 11));
    }

    @Test
    void recordsWrittenByTheReleasedSchemaDecode() throws Exception {
        var v1 = SingleObjectCodec.released("Detection", getClass().getClassLoader()).get(0);
        BinaryMessageEncoder<GenericRecord> old = new BinaryMessageEncoder<>(GenericData.get(), v1);
        for (Object r : new RandomData(GenericData.get(), v1, 20, 5)) {
            GenericRecord w = (GenericRecord) r;
            ByteBuffer b = old.encode(w);
            byte[] bytes = new byte[b.remaining()];
            b.get(bytes);
            Detection d = DetectionCodec.decode(bytes);
            assertEquals(w.get("cameraId").toString(), d.getCameraId());
            assertEquals(w.get("frameOffset"), d.getFrameOffset());
            assertEquals(((List<?>) w.get("objects")).size(), d.getObjects().size());
        }
    }

    @Test
    void garbageIsAClearError() {
        SchemaException e = assertThrows(SchemaException.class, () -> DetectionCodec.decode("{}".getBytes()));
        assertTrue(e.getMessage().startsWith("detections topic value: expected"), e.getMessage());
        byte[] bytes = DetectionCodec.encode(detection(1f, ""));
        bytes[3] ^= 1;
        e = assertThrows(SchemaException.class, () -> DetectionCodec.decode(bytes));
        assertTrue(e.getMessage().contains("(Detection v1)"), e.getMessage());
    }
}
