package io.yolostream.detector.service;

import io.yolostream.config.ConfigException;
import io.yolostream.detector.batch.CostModel;
import io.yolostream.detector.batch.FixedResolution;
import io.yolostream.detector.model.ModelInfo;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DetectConfigTest {

    @Test
    void defaultsFileEnvironmentAndFlagsInThatOrder() {
        Properties file = new Properties();
        file.setProperty("model", "m.onnx");
        file.setProperty("max-batch", "4");
        file.setProperty("kafka.session.timeout.ms", "6000");
        DetectConfig c = DetectConfig.resolve(file, Map.of("YOLOSTREAM_DETECT_MAX_BATCH", "6"),
                Map.of("resolution", "fixed:416", "ladder", "64,96,128", "instance-id", "i1"));
        assertEquals(6, c.get(DetectConfig.MAX_BATCH));
        assertEquals("frames", c.get(DetectConfig.FRAMES_TOPIC));
        assertEquals("frames.dlq", c.get(DetectConfig.DLQ_TOPIC));
        assertEquals(8082, c.get(DetectConfig.HTTP_PORT));
        assertEquals(List.of(64, 96, 128), c.ladder().sizes());
        assertEquals("yolostream-detector-i1", c.transactionalId());
        assertEquals("6000", c.kafkaOverrides().get("session.timeout.ms"));
        FixedResolution p = assertInstanceOf(FixedResolution.class, c.policy(new CostModel(c.ladder(), 6)));
        assertEquals(416, p.size());
    }

    @Test
    void productionLadderIsThreeTwentyToSixOhEight() {
        DetectConfig c = DetectConfig.resolve(new Properties(), Map.of(), Map.of("model", "m.onnx"));
        assertEquals(320, c.ladder().min());
        assertEquals(608, c.ladder().max());
        assertEquals("adaptive", c.policy(new CostModel(c.ladder(), 8)).describe());
    }

    @Test
    void prepareOverlapAutoOverlapsWithACoreToSpareOnAGpuOrBelowInferencePriority() {
        int cores = Runtime.getRuntime().availableProcessors();
        DetectConfig every = DetectConfig.resolve(new Properties(), Map.of(), Map.of("model", "m.onnx"));
        assertFalse(every.prepareOverlap(false, false), "ONNX Runtime on every core: prepare after inference");
        assertTrue(every.prepareOverlap(true, false), "inference on a GPU leaves the cores free");
        assertTrue(every.prepareOverlap(false, true), "workers below inference's priority fill its gaps");
        if (cores > 1) {
            DetectConfig fewer = DetectConfig.resolve(new Properties(), Map.of(), Map.of("model", "m.onnx",
                    "threads", String.valueOf(cores - 1)));
            assertTrue(fewer.prepareOverlap(false, false));
        }
        assertTrue(DetectConfig.resolve(new Properties(), Map.of(), Map.of("model", "m.onnx", "prepare-overlap",
                "ON")).prepareOverlap(false, false));
        assertFalse(DetectConfig.resolve(new Properties(), Map.of(), Map.of("model", "m.onnx", "prepare-overlap",
                "off")).prepareOverlap(true, true));
        ConfigException e = assertThrows(ConfigException.class, () -> DetectConfig.resolve(new Properties(),
                Map.of(), Map.of("model", "m.onnx", "prepare-overlap", "sometimes")));
        assertTrue(e.getMessage().contains("prepare-overlap: expected auto, on or off, found 'sometimes'"),
                e.getMessage());
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        ConfigException e = assertThrows(ConfigException.class, () -> DetectConfig.resolve(new Properties(),
                Map.of(), Map.of("ladder", "65,97", "resolution", "sometimes", "device", "tpu",
                        "hier-mode", "odd")));
        String m = e.getMessage();
        assertTrue(m.contains("model: expected a model file"), m);
        assertTrue(m.contains("ladder"), m);
        assertTrue(m.contains("resolution"), m);
        assertTrue(m.contains("device"), m);
        assertTrue(m.contains("hier-mode"), m);
    }

    @Test
    void modelIdUsesTheSourceHashElseTheOnnxBytes() {
        ModelInfo withHash = new ModelInfo("yolo", new float[]{1, 1}, 1, 4, 1, true, List.of("a"), null, 416, 416,
                32, ModelInfo.DARKNET_LETTERBOX, "3f2a9c1b77aa");
        assertEquals("yolo@3f2a9c1b", DetectionRecords.modelId(withHash, new byte[]{1}));
        ModelInfo bare = new ModelInfo("yolo", new float[]{1, 1}, 1, 4, 1, true, List.of("a"), null, 416, 416, 32,
                ModelInfo.DARKNET_LETTERBOX, "");
        assertEquals("yolo@" + DetectionRecords.sha256(new byte[]{1}).substring(0, 8),
                DetectionRecords.modelId(bare, new byte[]{1}));
    }
}
