package io.yolostream.detector.preprocess;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * Darknet's (pjreddie) {@code letterbox_image} + {@code resize_image}, reproduced in the same float arithmetic so the
 * network sees bit-identical input: pixels are {@code byte/255f}, a horizontal then a vertical bilinear pass with
 * darknet's {@code (in-1)/(out-1)} scale, centred on a 0.5 canvas.
 *
 * <p>Works on the byte array directly and keeps only two horizontally resized source rows per channel (darknet's
 * {@code part} image is never built whole), so it is cheap per frame. All scratch is per call: thread-safe.
 */
public final class DarknetLetterbox implements Preprocessor {
    private static final float PAD = 0.5f;
    /** byte -> float as darknet's loaders do ({@code data/255.}); equal to {@code b/255f} for every byte. */
    private static final float[] UNIT = new float[256];

    static {
        for (int b = 0; b < 256; b++) {
            UNIT[b] = b / 255f;
        }
    }

    /**
     * Where the resized image lies in the network input.
     *
     * @param newW resized width
     * @param newH resized height
     * @param dx   left padding (integer division, as {@code embed_image})
     * @param dy   top padding
     */
    public record LetterboxGeometry(int newW, int newH, int dx, int dy) {
    }

    /** Darknet's letterbox size and offset for an {@code imgW x imgH} image in an {@code netW x netH} input. */
    public static LetterboxGeometry geometry(int imgW, int imgH, int netW, int netH) {
        int newW;
        int newH;
        if (((float) netW / imgW) < ((float) netH / imgH)) {
            newW = netW;
            newH = (int) ((long) imgH * netW / imgW);
        } else {
            newH = netH;
            newW = (int) ((long) imgW * netH / imgH);
        }
        return new LetterboxGeometry(newW, newH, (netW - newW) / 2, (netH - newH) / 2);
    }

    @Override
    public String name() {
        return "darknet";
    }

    @Override
    public void letterbox(RgbImage image, int netW, int netH, FloatBuffer dst, int offset) {
        Preprocessor.checkTarget("letterbox", netW, netH, dst, offset);
        LetterboxGeometry g = geometry(image.width(), image.height(), netW, netH);
        float[] row = new float[netW];
        Arrays.fill(row, PAD);
        int plane = netW * netH;
        // Padding rows above and below the image (all of them when the image collapses to 0 rows or columns).
        boolean empty = g.newW() <= 0 || g.newH() <= 0;
        for (int y = 0; y < netH; y++) {
            if (empty || y < g.dy() || y >= g.dy() + g.newH()) {
                for (int k = 0; k < 3; k++) {
                    dst.put(offset + k * plane + y * netW, row, 0, netW);
                }
            }
        }
        if (!empty) {
            resizeInto(image, g, netW, plane, row, dst, offset);
        }
    }

    /**
     * {@code resize_image} to {@code g.newW x g.newH} written straight into the embedded rows of {@code dst};
     * {@code row} holds 0.5 outside the image columns and is reused for every output row.
     */
    private static void resizeInto(RgbImage image, LetterboxGeometry g, int netW, int plane, float[] row,
                                   FloatBuffer dst, int offset) {
        int srcW = image.width();
        int srcH = image.height();
        int w = g.newW();
        int h = g.newH();
        byte[] rgb = image.rgb();
        // A 1-pixel output divides by zero in darknet; its only row/column never uses the scale, so 0 is safe.
        float wScale = w == 1 ? 0f : (float) (srcW - 1) / (w - 1);
        float hScale = h == 1 ? 0f : (float) (srcH - 1) / (h - 1);

        // Horizontal pass coefficients: byte offset of the left pixel and the two weights per output column.
        int[] colByte = new int[w];
        float[] colA = new float[w];
        float[] colB = new float[w];
        boolean[] colLast = new boolean[w];
        for (int c = 0; c < w; c++) {
            if (c == w - 1 || srcW == 1) {
                colLast[c] = true;
                colByte[c] = (srcW - 1) * 3;
            } else {
                float sx = c * wScale;
                int ix = Math.min((int) sx, srcW - 2);
                float dx = sx - ix;
                colByte[c] = ix * 3;
                colA[c] = 1 - dx;
                colB[c] = dx;
            }
        }

        // Two cached horizontally resized source rows (3 planes of w floats each); iy only grows with r.
        float[][] cache = {new float[3 * w], new float[3 * w]};
        int[] cachedRow = {-1, -1};
        for (int r = 0; r < h; r++) {
            float sy = r * hScale;
            int iy = Math.min((int) sy, srcH - 1);
            float dy = sy - iy;
            boolean lastRow = r == h - 1 || srcH == 1;
            int next = lastRow ? -1 : Math.min(iy + 1, srcH - 1);
            float[] p0 = horizontalRow(rgb, srcW, iy, w, colByte, colA, colB, colLast, cache, cachedRow, next);
            float[] p1 = lastRow ? null
                    : horizontalRow(rgb, srcW, next, w, colByte, colA, colB, colLast, cache, cachedRow, iy);
            float a = 1 - dy;
            int outRow = g.dy() + r;
            for (int k = 0; k < 3; k++) {
                int base = k * w;
                int to = g.dx();
                if (p1 == null) {
                    for (int c = 0; c < w; c++) {
                        row[to + c] = a * p0[base + c];
                    }
                } else {
                    for (int c = 0; c < w; c++) {
                        // set_pixel then add_pixel: two rounded products, one rounded sum, same as this expression.
                        row[to + c] = a * p0[base + c] + dy * p1[base + c];
                    }
                }
                dst.put(offset + k * plane + outRow * netW, row, 0, netW);
            }
        }
    }

    /**
     * Source row {@code y} resized to {@code w} columns (3 planes), from the cache or computed into the slot that does
     * not hold row {@code keep} (a row still needed).
     */
    private static float[] horizontalRow(byte[] rgb, int srcW, int y, int w, int[] colByte, float[] colA,
                                         float[] colB, boolean[] colLast, float[][] cache, int[] cachedRow,
                                         int keep) {
        for (int s = 0; s < 2; s++) {
            if (cachedRow[s] == y) {
                return cache[s];
            }
        }
        int slot = cachedRow[0] == keep ? 1 : 0;
        float[] out = cache[slot];
        cachedRow[slot] = y;
        int rowBase = y * srcW * 3;
        for (int c = 0; c < w; c++) {
            int i = rowBase + colByte[c];
            if (colLast[c]) {
                out[c] = UNIT[rgb[i] & 0xff];
                out[w + c] = UNIT[rgb[i + 1] & 0xff];
                out[2 * w + c] = UNIT[rgb[i + 2] & 0xff];
            } else {
                float a = colA[c];
                float b = colB[c];
                out[c] = a * UNIT[rgb[i] & 0xff] + b * UNIT[rgb[i + 3] & 0xff];
                out[w + c] = a * UNIT[rgb[i + 1] & 0xff] + b * UNIT[rgb[i + 4] & 0xff];
                out[2 * w + c] = a * UNIT[rgb[i + 2] & 0xff] + b * UNIT[rgb[i + 5] & 0xff];
            }
        }
        return out;
    }
}
