package io.yolostream.detector.preprocess;

import io.yolostream.detector.model.ModelException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DarknetLetterboxTest {

    /** Darknet's image struct: CHW floats. */
    private record Image(int w, int h, int c, float[] data) {
        static Image make(int w, int h, int c) {
            return new Image(w, h, c, new float[w * h * c]);
        }

        float get(int x, int y, int k) {
            return data[k * h * w + y * w + x];
        }

        void set(int x, int y, int k, float v) {
            if (x < 0 || y < 0 || k < 0 || x >= w || y >= h || k >= c) {
                return;
            }
            data[k * h * w + y * w + x] = v;
        }

        void add(int x, int y, int k, float v) {
            data[k * h * w + y * w + x] += v;
        }
    }

    // ---- literal transcription of darknet's image.c ----

    private static Image fromRgb(RgbImage im) {
        Image out = Image.make(im.width(), im.height(), 3);
        for (int k = 0; k < 3; k++) {
            for (int y = 0; y < im.height(); y++) {
                for (int x = 0; x < im.width(); x++) {
                    out.set(x, y, k, (float) (im.get(x, y, k) / 255.));
                }
            }
        }
        return out;
    }

    private static Image resizeImage(Image im, int w, int h) {
        Image resized = Image.make(w, h, im.c);
        Image part = Image.make(w, im.h, im.c);
        float wScale = (float) (im.w - 1) / (w - 1);
        float hScale = (float) (im.h - 1) / (h - 1);
        if (w == 1) {
            wScale = 0; // C: division by zero, value unused
        }
        if (h == 1) {
            hScale = 0; // C: division by zero, gives NaN for sy; darknet would crash
        }
        for (int k = 0; k < im.c; ++k) {
            for (int r = 0; r < im.h; ++r) {
                for (int c = 0; c < w; ++c) {
                    float val;
                    if (c == w - 1 || im.w == 1) {
                        val = im.get(im.w - 1, r, k);
                    } else {
                        float sx = c * wScale;
                        int ix = (int) sx;
                        float dx = sx - ix;
                        val = (1 - dx) * im.get(ix, r, k) + dx * im.get(ix + 1, r, k);
                    }
                    part.set(c, r, k, val);
                }
            }
        }
        for (int k = 0; k < im.c; ++k) {
            for (int r = 0; r < h; ++r) {
                float sy = r * hScale;
                int iy = (int) sy;
                float dy = sy - iy;
                for (int c = 0; c < w; ++c) {
                    float val = (1 - dy) * part.get(c, iy, k);
                    resized.set(c, r, k, val);
                }
                if (r == h - 1 || im.h == 1) {
                    continue;
                }
                for (int c = 0; c < w; ++c) {
                    float val = dy * part.get(c, iy + 1, k);
                    resized.add(c, r, k, val);
                }
            }
        }
        return resized;
    }

    private static Image letterboxImage(Image im, int w, int h) {
        int newW;
        int newH;
        if (((float) w / im.w) < ((float) h / im.h)) {
            newW = w;
            newH = (im.h * w) / im.w;
        } else {
            newH = h;
            newW = (im.w * h) / im.h;
        }
        Image boxed = Image.make(w, h, im.c);
        java.util.Arrays.fill(boxed.data, .5f);
        if (newW == 0 || newH == 0) {
            return boxed;
        }
        Image resized = resizeImage(im, newW, newH);
        int dx = (w - newW) / 2;
        int dy = (h - newH) / 2;
        for (int k = 0; k < resized.c; ++k) {
            for (int y = 0; y < resized.h; ++y) {
                for (int x = 0; x < resized.w; ++x) {
                    boxed.set(dx + x, dy + y, k, resized.get(x, y, k));
                }
            }
        }
        return boxed;
    }

    // ---- tests ----

    private static RgbImage randomImage(int w, int h, long seed) {
        byte[] rgb = new byte[w * h * 3];
        new Random(seed).nextBytes(rgb);
        return new RgbImage(w, h, rgb);
    }

    @ParameterizedTest(name = "{0}x{1} -> {2}x{3}")
    @CsvSource({
            "768, 576, 416, 416",   // landscape, downscale
            "576, 768, 416, 416",   // portrait
            "416, 416, 416, 416",   // exact fit
            "832, 832, 416, 416",   // same aspect, exact halving
            "100, 60, 416, 416",    // upscale landscape
            "60, 100, 416, 416",    // upscale portrait
            "1, 50, 64, 64",        // 1 pixel wide source
            "50, 1, 64, 64",        // 1 pixel high source
            "1, 1, 32, 32",         // single pixel
            "4, 200, 64, 64",       // collapses to 1 column
            "1920, 1080, 608, 352", // non-square network
            "37, 91, 96, 160",
            "1000, 1, 416, 416"     // resized height 0: all padding
    })
    void matchesDarknetBitForBit(int imgW, int imgH, int netW, int netH) {
        RgbImage img = randomImage(imgW, imgH, 31L * imgW + imgH);
        float[] expected = letterboxImage(fromRgb(img), netW, netH).data;
        FloatBuffer buf = FloatBuffer.allocate(expected.length);
        new DarknetLetterbox().letterbox(img, netW, netH, buf, 0);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Float.floatToIntBits(expected[i]), Float.floatToIntBits(buf.get(i)),
                    () -> "float differs from darknet's at some index: expected bit-identical output");
        }
    }

    @Test
    void paddingIsHalfAndImageIsCentred() {
        // 200x100 into 64x64: resized 64x32, 16 rows of padding above and below.
        RgbImage img = new RgbImage(200, 100, new byte[200 * 100 * 3]); // black
        FloatBuffer buf = FloatBuffer.allocate(3 * 64 * 64);
        new DarknetLetterbox().letterbox(img, 64, 64, buf, 0);
        for (int k = 0; k < 3; k++) {
            for (int y = 0; y < 64; y++) {
                for (int x = 0; x < 64; x++) {
                    float expected = y >= 16 && y < 48 ? 0f : 0.5f;
                    assertEquals(expected, buf.get(k * 64 * 64 + y * 64 + x), "pixel " + x + "," + y + "," + k);
                }
            }
        }
        assertEquals(new DarknetLetterbox.LetterboxGeometry(64, 32, 0, 16),
                DarknetLetterbox.geometry(200, 100, 64, 64));
        assertEquals(new DarknetLetterbox.LetterboxGeometry(21, 64, 21, 0),
                DarknetLetterbox.geometry(33, 100, 64, 64));
    }

    @Test
    void channelsArePlanarRgb() {
        byte[] rgb = new byte[4 * 4 * 3];
        for (int i = 0; i < 16; i++) {
            rgb[i * 3] = (byte) 255;     // R
            rgb[i * 3 + 1] = (byte) 51;  // G
            rgb[i * 3 + 2] = 0;          // B
        }
        FloatBuffer buf = FloatBuffer.allocate(3 * 8 * 8);
        new DarknetLetterbox().letterbox(new RgbImage(4, 4, rgb), 8, 8, buf, 0);
        assertEquals(1f, buf.get(0));
        assertEquals(51 / 255f, buf.get(64));
        assertEquals(0f, buf.get(128));
    }

    @Test
    void writesAtOffsetWithoutTouchingTheRestOrThePosition() {
        RgbImage img = randomImage(120, 90, 7);
        int n = 3 * 32 * 48;
        FloatBuffer direct = ByteBuffer.allocateDirect((2 * n + 10) * 4).order(ByteOrder.nativeOrder())
                .asFloatBuffer();
        for (int i = 0; i < direct.capacity(); i++) {
            direct.put(i, -7f);
        }
        direct.position(3);
        new DarknetLetterbox().letterbox(img, 48, 32, direct, n + 5);
        assertEquals(3, direct.position(), "position must not move");
        float[] expected = letterboxImage(fromRgb(img), 48, 32).data;
        for (int i = 0; i < n + 5; i++) {
            assertEquals(-7f, direct.get(i), "before offset " + i);
        }
        for (int i = 0; i < n; i++) {
            assertEquals(expected[i], direct.get(n + 5 + i), "at " + i);
        }
        for (int i = 2 * n + 5; i < direct.capacity(); i++) {
            assertEquals(-7f, direct.get(i), "after end " + i);
        }
    }

    @Test
    void rejectsTooSmallDestination() {
        RgbImage img = randomImage(10, 10, 1);
        FloatBuffer small = FloatBuffer.allocate(3 * 16 * 16);
        ModelException e = assertThrows(ModelException.class,
                () -> new DarknetLetterbox().letterbox(img, 16, 16, small, 1));
        assertTrue(e.getMessage().contains("limit " + (3 * 16 * 16)), e.getMessage());
        assertThrows(ModelException.class, () -> new DarknetLetterbox().letterbox(img, 0, 16, small, 0));
    }

    @Test
    void nameIsDarknet() {
        assertEquals("darknet", new DarknetLetterbox().name());
    }
}
