package io.yolostream.ingest.publish;

import io.yolostream.ingest.IngestException;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JpegShrinkerTest {

    @Test
    void lowerQualityAloneWhenThatFits() {
        byte[] original = TestFrames.jpeg(640, 480, 95, true);
        int limit = original.length / 2;
        JpegShrinker.Shrunk s = JpegShrinker.shrink(original, 95, limit);
        assertTrue(s.jpeg().length <= limit, s.jpeg().length + " > " + limit);
        assertTrue(s.quality() < 95 && s.quality() >= JpegShrinker.MIN_QUALITY, "quality " + s.quality());
        assertEquals(640, s.width());
        assertEquals(480, s.height());
        assertDecodes(s);
    }

    @Test
    void downscalesWhenEvenTheLowestQualityIsTooLarge() {
        byte[] original = TestFrames.jpeg(640, 480, 95, true);
        int limit = 8_000;
        JpegShrinker.Shrunk s = JpegShrinker.shrink(original, 95, limit);
        assertTrue(s.jpeg().length <= limit, s.jpeg().length + " > " + limit);
        assertEquals(JpegShrinker.MIN_QUALITY, s.quality());
        assertTrue(s.width() < 640 && s.height() < 480, s.width() + "x" + s.height());
        assertEquals(640.0 / 480, (double) s.width() / s.height(), 0.05, "aspect ratio kept");
        assertDecodes(s);
    }

    @Test
    void undecodableBytesAndImpossibleLimitsFailNamingTheSizes() {
        IngestException garbage = assertThrows(IngestException.class,
                () -> JpegShrinker.shrink(new byte[5000], 90, 1000));
        assertTrue(garbage.getMessage().contains("5000-byte frame: expected a decodable JPEG"), garbage.getMessage());

        byte[] original = TestFrames.jpeg(64, 48, 95, true);
        IngestException tiny = assertThrows(IngestException.class, () -> JpegShrinker.shrink(original, 95, 10));
        assertTrue(tiny.getMessage().contains("expected it to fit 10 bytes"), tiny.getMessage());
    }

    private static void assertDecodes(JpegShrinker.Shrunk s) {
        try (PointerScope scope = new PointerScope()) {
            Mat m = imdecode(new Mat(1, s.jpeg().length, CV_8UC1, new BytePointer(s.jpeg())), IMREAD_COLOR);
            assertEquals(s.width(), m.cols());
            assertEquals(s.height(), m.rows());
        }
    }
}
