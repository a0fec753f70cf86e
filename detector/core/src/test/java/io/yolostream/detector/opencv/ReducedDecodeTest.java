package io.yolostream.detector.opencv;

import io.yolostream.detector.model.ModelException;
import io.yolostream.detector.preprocess.JpegScaling;
import io.yolostream.detector.preprocess.RgbImage;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link JpegScaling} and {@link OpenCvImages#decode(byte[], String, int)}: libjpeg's DCT-scaled decode. */
class ReducedDecodeTest {
    private static byte[] dog() throws IOException {
        try (InputStream in = ReducedDecodeTest.class.getResourceAsStream("/conformance/dog.jpg")) {
            return in.readAllBytes();
        }
    }

    @Test
    void theReductionKeepsAtLeastTheLetterboxedPixels() {
        assertEquals(4, JpegScaling.reduction(1920, 1080, 320, 320), "480x270 >= 320x180");
        assertEquals(4, JpegScaling.reduction(1920, 1080, 416, 416), "480x270 >= 416x234");
        assertEquals(2, JpegScaling.reduction(1920, 1080, 608, 608), "480 < 608, 960x540 >= 608x342");
        assertEquals(4, JpegScaling.reduction(1280, 720, 320, 320), "320x180 is exactly the content");
        assertEquals(2, JpegScaling.reduction(1280, 720, 416, 416));
        assertEquals(8, JpegScaling.reduction(3840, 2160, 320, 320), "480x270 >= 320x180");
        assertEquals(1, JpegScaling.reduction(640, 480, 608, 608), "no reduction leaves enough");
        assertEquals(1, JpegScaling.reduction(320, 240, 416, 416), "never upsample");
        assertEquals(1, JpegScaling.reduction(0, 240, 416, 416));
    }

    @Test
    void theHeaderGivesTheSizeWithoutDecoding() throws IOException {
        assertEquals(new JpegScaling.Size(768, 576), JpegScaling.size(dog()));
        assertNull(JpegScaling.size(new byte[]{1, 2, 3, 4, 5}), "not a JPEG");
        byte[] cut = java.util.Arrays.copyOf(dog(), 40);
        assertNull(JpegScaling.size(cut), "ends before the frame header");
    }

    @Test
    void aReducedDecodeHasTheRoundedUpSizeAndTheSamePicture() throws IOException {
        byte[] jpeg = dog();
        RgbImage full = OpenCvImages.decode(jpeg, "dog.jpg");
        for (int d : new int[]{2, 4, 8}) {
            RgbImage small = OpenCvImages.decode(jpeg, "dog.jpg", d);
            assertEquals(JpegScaling.reducedSize(768, d), small.width());
            assertEquals(JpegScaling.reducedSize(576, d), small.height());
            // the reduced pixel (x, y) covers full pixels [x*d, (x+1)*d): its mean colour, give or take JPEG noise
            double err = 0;
            int n = 0;
            for (int y = 0; y < small.height() - 1; y += 3) {
                for (int x = 0; x < small.width() - 1; x += 3) {
                    for (int c = 0; c < 3; c++) {
                        double mean = 0;
                        for (int yy = 0; yy < d; yy++) {
                            for (int xx = 0; xx < d; xx++) {
                                mean += full.rgb()[((y * d + yy) * 768 + x * d + xx) * 3 + c] & 0xff;
                            }
                        }
                        err += Math.abs(mean / (d * d) - (small.rgb()[(y * small.width() + x) * 3 + c] & 0xff));
                        n++;
                    }
                }
            }
            assertTrue(err / n < 6, "1/" + d + ": mean |difference| " + err / n);
        }
        assertThrows(ModelException.class, () -> OpenCvImages.decode(jpeg, "dog.jpg", 3));
    }
}
