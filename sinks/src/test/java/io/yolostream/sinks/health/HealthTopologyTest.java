package io.yolostream.sinks.health;

import io.yolostream.detector.avro.DetectionStatus;
import io.yolostream.sinks.avro.CameraHealth;
import io.yolostream.sinks.common.SinksSerdes;
import io.yolostream.sinks.config.SinksConfig;
import io.yolostream.sinks.testing.Driver;
import io.yolostream.sinks.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class HealthTopologyTest {
    private static final long W0 = Fixtures.T0 - Fixtures.T0 % 30_000;

    @Test
    void skippedAndErrorFramesAreCountedPerCameraAndWindow() {
        SinksConfig c = SinksConfig.of("window", "30s", "grace", "0");
        try (Driver d = new Driver(c, HealthTopology.buildTopology(c))) {
            d.send(Fixtures.detection("cam1", 1, W0 + 1_000, List.of()));
            d.send(Fixtures.detection("cam1", 2, W0 + 2_000, DetectionStatus.SKIPPED_STALE, "12 s old", List.of()));
            d.send(Fixtures.detection("cam1", 3, W0 + 3_000, DetectionStatus.ERROR, "undecodable JPEG", List.of()));
            d.send(Fixtures.detection("cam2", 1, W0 + 4_000, DetectionStatus.ERROR, "boom", List.of()));
            d.send(Fixtures.detection("cam1", 4, W0 + 5_000, DetectionStatus.SKIPPED_STALE, "13 s old", List.of()));
            d.send(Fixtures.detection("cam1", 5, W0 + 31_000, List.of()));  // closes the first window
            List<CameraHealth> out = d.output(c.healthTopic(), SinksSerdes.cameraHealth()).readValuesToList();
            assertEquals(2, out.size());
            CameraHealth cam1 = out.stream().filter(h -> h.getCameraId().equals("cam1")).findFirst().orElseThrow();
            assertEquals(1, cam1.getOk());
            assertEquals(2, cam1.getSkippedStale());
            assertEquals(1, cam1.getError());
            assertEquals("13 s old", cam1.getLastReason());
            assertEquals(W0, cam1.getWindowStart().toEpochMilli());
            assertEquals(W0 + 30_000, cam1.getWindowEnd().toEpochMilli());
            CameraHealth cam2 = out.stream().filter(h -> h.getCameraId().equals("cam2")).findFirst().orElseThrow();
            assertEquals(0, cam2.getOk());
            assertEquals(1, cam2.getError());
        }
    }
}
