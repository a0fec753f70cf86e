package io.yolostream.ingest.publish;

import io.yolostream.ingest.IngestException;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PublisherConfigTest {

    @Test
    void requestSizeFitsAWorstCaseQuality100JpegWithinFloorAndCap() {
        PublisherConfig c = PublisherConfig.defaults("localhost:9092");
        assertEquals(1920 * 1080 * 2 + 64 * 1024, c.effectiveMaxRequestSize());
        assertEquals(PublisherConfig.MIN_REQUEST_SIZE, c.withMaxFrameSize(640, 480).effectiveMaxRequestSize());
        assertEquals(PublisherConfig.MAX_REQUEST_SIZE, c.withMaxFrameSize(7680, 4320).effectiveMaxRequestSize());
        assertEquals(12345, c.withMaxRequestSize(12345).effectiveMaxRequestSize(), "an explicit size wins");
    }

    @Test
    void measuredWorstCaseFitsTheSizing() {
        // uniform noise at quality 100 is the largest JPEG OpenCV makes of a frame this size
        byte[] worst = TestFrames.jpeg(640, 360, 100, true);
        PublisherConfig c = PublisherConfig.defaults("x:1").withMaxFrameSize(640, 360);
        double perPixel = worst.length / (640.0 * 360);
        assertTrue(perPixel <= PublisherConfig.WORST_JPEG_BYTES_PER_PIXEL, "measured " + perPixel + " bytes/pixel");
        assertTrue(worst.length + PublisherConfig.RECORD_OVERHEAD <= c.effectiveMaxRequestSize());
    }

    @Test
    void badValuesAreListedTogether() {
        IngestException e = assertThrows(IngestException.class, () -> new PublisherConfig("", "bad topic!", 0,
                (short) 1, 1920, 1080, 0, 0, 8, Duration.ZERO, Duration.ofSeconds(1), 10, Duration.ofSeconds(1),
                java.util.Map.of(), -1, 0, Duration.ofSeconds(5)));
        String m = e.getMessage();
        assertTrue(m.contains("retention: expected >= 0 ms and bytes"), m);
        assertTrue(m.contains("bootstrap servers: expected host:port"), m);
        assertTrue(m.contains("topic: expected 1-249 characters"), m);
        assertTrue(m.contains("partitions: expected >= 1, found 0"), m);
        assertTrue(m.contains("queue capacity: expected >= 1, found 0"), m);
        assertTrue(m.contains("delivery timeout: expected a positive duration, found PT0S"), m);
    }
}
