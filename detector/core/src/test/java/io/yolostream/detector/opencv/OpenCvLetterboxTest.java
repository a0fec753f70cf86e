package io.yolostream.detector.opencv;

import io.yolostream.detector.model.ModelException;
import io.yolostream.detector.preprocess.RgbImage;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OpenCvLetterboxTest {
    private final OpenCvLetterbox letterbox = new OpenCvLetterbox();

    private static RgbImage solid(int w, int h, int r, int g, int b) {
        byte[] rgb = new byte[w * h * 3];
        for (int i = 0; i < rgb.length; i += 3) {
            rgb[i] = (byte) r;
            rgb[i + 1] = (byte) g;
            rgb[i + 2] = (byte) b;
        }
        return new RgbImage(w, h, rgb);
    }

    private static float at(FloatBuffer buf, int offset, int netW, int netH, int c, int x, int y) {
        return buf.get(offset + c * netW * netH + y * netW + x);
    }

    /** Checks every value: inside [x0,x1)x[y0,y1) the solid colour/255, elsewhere 0.5. */
    private static void assertBox(FloatBuffer buf, int netW, int netH, int x0, int y0, int x1, int y1, int[] rgb) {
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < netH; y++) {
                for (int x = 0; x < netW; x++) {
                    boolean inside = x >= x0 && x < x1 && y >= y0 && y < y1;
                    float expected = inside ? rgb[c] / 255f : 0.5f;
                    assertEquals(expected, at(buf, 0, netW, netH, c, x, y), 1e-6f,
                            "c=" + c + " x=" + x + " y=" + y);
                }
            }
        }
    }

    @Test
    void nameIsOpencv() {
        assertEquals("opencv", letterbox.name());
    }

    @Test
    void imageAtNetSizeIsPixelOver255Exactly() {
        RgbImage img = OpenCvImagesTest.gradient(8, 6);
        FloatBuffer buf = FloatBuffer.allocate(3 * 8 * 6);
        letterbox.letterbox(img, 8, 6, buf, 0);
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 6; y++) {
                for (int x = 0; x < 8; x++) {
                    assertEquals(img.get(x, y, c) / 255f, at(buf, 0, 8, 6, c, x, y), 0f);
                }
            }
        }
    }

    @Test
    void wideImageIsPaddedTopAndBottom() {
        // 20x10 into 16x16: new 16x8, placed at y=4.
        FloatBuffer buf = FloatBuffer.allocate(3 * 16 * 16);
        letterbox.letterbox(solid(20, 10, 255, 0, 51), 16, 16, buf, 0);
        assertBox(buf, 16, 16, 0, 4, 16, 12, new int[] {255, 0, 51});
    }

    @Test
    void tallImageIsPaddedLeftAndRight() {
        // 10x20 into 16x16: new 8x16, placed at x=4.
        FloatBuffer buf = FloatBuffer.allocate(3 * 16 * 16);
        letterbox.letterbox(solid(10, 20, 10, 200, 30), 16, 16, buf, 0);
        assertBox(buf, 16, 16, 4, 0, 12, 16, new int[] {10, 200, 30});
    }

    @Test
    void nonSquareNetworkUsesDarknetIntegerGeometry() {
        // 16x16 into 32x16: 32/16=2 is not < 16/16=1, so new_h=16, new_w=16*16/16=16, x offset (32-16)/2=8.
        FloatBuffer buf = FloatBuffer.allocate(3 * 32 * 16);
        letterbox.letterbox(solid(16, 16, 1, 2, 3), 32, 16, buf, 0);
        assertBox(buf, 32, 16, 8, 0, 24, 16, new int[] {1, 2, 3});
        // 3x1 into 4x4: new_w=4, new_h=(1*4)/3=1, y offset (4-1)/2=1.
        FloatBuffer small = FloatBuffer.allocate(3 * 4 * 4);
        letterbox.letterbox(solid(3, 1, 255, 255, 255), 4, 4, small, 0);
        assertBox(small, 4, 4, 0, 1, 4, 2, new int[] {255, 255, 255});
        // 7x5 into 10x10: 10/7 < 10/5, new_w=10, new_h=(5*10)/7=7, y offset (10-7)/2=1.
        assertEquals(new OpenCvLetterbox.Geometry(10, 7, 0, 1), OpenCvLetterbox.Geometry.of(7, 5, 10, 10));
    }

    @Test
    void writesOnlyItsSliceAndKeepsThePosition() {
        int plane = 3 * 8 * 8;
        FloatBuffer buf = FloatBuffer.allocate(3 * plane);
        for (int i = 0; i < buf.capacity(); i++) {
            buf.put(i, -1f);
        }
        buf.position(5);
        letterbox.letterbox(solid(16, 8, 0, 0, 0), 8, 8, buf, plane);
        assertEquals(5, buf.position());
        for (int i = 0; i < buf.capacity(); i++) {
            boolean mine = i >= plane && i < 2 * plane;
            assertEquals(mine, buf.get(i) != -1f, "index " + i);
        }
        assertEquals(0.5f, buf.get(plane), 0f);           // row 0 is padding (image rows 2..5)
        assertEquals(0f, buf.get(plane + 2 * 8), 0f);     // row 2 is black image
    }

    @Test
    void tooSmallOutputIsRejected() {
        ModelException e = assertThrows(ModelException.class,
                () -> letterbox.letterbox(solid(4, 4, 0, 0, 0), 8, 8, FloatBuffer.allocate(100), 0));
        assertTrue(e.getMessage().contains("found capacity 100"), e.getMessage());
    }

    @Test
    void downscaledGradientStaysMonotonic() {
        RgbImage img = OpenCvImagesTest.gradient(200, 100);
        FloatBuffer buf = FloatBuffer.allocate(3 * 64 * 64);
        letterbox.letterbox(img, 64, 64, buf, 0);
        // new 64x32 at y=16: red rises left to right along an image row.
        for (int x = 1; x < 64; x++) {
            assertTrue(at(buf, 0, 64, 64, 0, x, 30) >= at(buf, 0, 64, 64, 0, x - 1, 30), "x=" + x);
        }
        // The edges land within a few 1/255 steps of the source's 0 and 255 (bilinear sampling at 200/64 scale).
        assertEquals(0f, at(buf, 0, 64, 64, 0, 0, 30), 3f / 255);
        assertEquals(1f, at(buf, 0, 64, 64, 0, 63, 30), 3f / 255);
    }

    @Test
    void concurrentCallsMatchSequentialOnes() throws Exception {
        int netW = 32;
        int netH = 24;
        int size = 3 * netW * netH;
        int n = 16;
        List<RgbImage> images = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            images.add(OpenCvImagesTest.gradient(40 + 7 * i, 30 + 3 * i));
        }
        FloatBuffer expected = FloatBuffer.allocate(n * size);
        for (int i = 0; i < n; i++) {
            letterbox.letterbox(images.get(i), netW, netH, expected, i * size);
        }
        FloatBuffer actual = FloatBuffer.allocate(n * size);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                futures.add(pool.submit(() -> letterbox.letterbox(images.get(k), netW, netH, actual, k * size)));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        assertEquals(expected, actual);
    }

    @Test
    void manyCallsLeaveNoNativeObjects() {
        RgbImage img = OpenCvImagesTest.gradient(50, 30);
        FloatBuffer buf = FloatBuffer.allocate(3 * 32 * 32);
        letterbox.letterbox(img, 32, 32, buf, 0);
        long live = Pointer.totalCount();
        for (int i = 0; i < 200; i++) {
            letterbox.letterbox(img, 32, 32, buf, 0);
        }
        assertTrue(Pointer.totalCount() <= live, "live JavaCPP pointers grew from " + live + " to "
                + Pointer.totalCount());
    }
}
