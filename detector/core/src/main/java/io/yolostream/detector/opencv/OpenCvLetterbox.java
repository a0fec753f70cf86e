package io.yolostream.detector.opencv;

import io.yolostream.detector.model.ModelException;
import io.yolostream.detector.preprocess.Preprocessor;
import io.yolostream.detector.preprocess.RgbImage;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

import java.nio.FloatBuffer;
import java.util.Arrays;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

/**
 * The fast letterbox: darknet's {@code letterbox_image} geometry (same scaled size, same placement, padding 0.5),
 * but the resize is OpenCV's {@code INTER_LINEAR} on the 8-bit image instead of darknet's float bilinear, so pixel
 * values differ slightly from darknet's (a few 1/255 steps) while boxes land in the same places.
 *
 * <p>Thread-safe: no shared mutable state, native objects are per call, and writes into {@code dst} are absolute.
 */
public final class OpenCvLetterbox implements Preprocessor {
    private static final float PAD = 0.5f;
    /** v/255 for every 8-bit value: exactly what a float division gives, without dividing per pixel. */
    private static final float[] UNIT = new float[256];

    static {
        for (int v = 0; v < 256; v++) {
            UNIT[v] = v / 255f;
        }
    }

    @Override
    public String name() {
        return "opencv";
    }

    @Override
    public void letterbox(RgbImage image, int netW, int netH, FloatBuffer dst, int offset) {
        Geometry g = Geometry.of(image.width(), image.height(), netW, netH);
        long needed = (long) offset + 3L * netW * netH;
        if (offset < 0 || needed > dst.capacity()) {
            throw new ModelException("letterbox output: expected a FloatBuffer with room for 3*" + netH + "*" + netW
                    + " floats at offset " + offset + " (capacity >= " + needed + "), found capacity " + dst.capacity());
        }
        byte[] scaled = g.newW == image.width() && g.newH == image.height() ? image.rgb() : resized(image, g);
        writeChw(scaled, g, netW, netH, dst, offset);
    }

    /** Darknet's letterbox placement, integer arithmetic as in darknet's {@code letterbox_image}. */
    record Geometry(int newW, int newH, int dx, int dy) {
        static Geometry of(int imgW, int imgH, int netW, int netH) {
            if (netW <= 0 || netH <= 0) {
                throw new ModelException("network input size: expected positive width and height, found "
                        + netW + "x" + netH);
            }
            int newW;
            int newH;
            if ((float) netW / imgW < (float) netH / imgH) {
                newW = netW;
                newH = (imgH * netW) / imgW;
            } else {
                newH = netH;
                newW = (imgW * netH) / imgH;
            }
            // Darknet would build an empty image for extreme aspect ratios (e.g. 4000x1); keep one row/column.
            newW = Math.max(1, newW);
            newH = Math.max(1, newH);
            return new Geometry(newW, newH, (netW - newW) / 2, (netH - newH) / 2);
        }
    }

    /** One native resize; the result comes back in a single bulk copy (no per-pixel JNI). */
    @SuppressWarnings("try") // the PointerScope is only there to free what the body allocates
    private static byte[] resized(RgbImage image, Geometry g) {
        try (PointerScope scope = new PointerScope()) {
            BytePointer srcBytes = new BytePointer(image.rgb());
            Mat src = new Mat(image.height(), image.width(), CV_8UC3, srcBytes);
            Mat dst = new Mat(g.newH, g.newW, CV_8UC3);
            // Channel order does not matter to resize, so the RGB bytes go in and come out as RGB.
            resize(src, dst, new Size(g.newW, g.newH), 0, 0, INTER_LINEAR);
            byte[] out = new byte[g.newW * g.newH * 3];
            dst.data().get(out);
            return out;
        }
    }

    /** Interleaved RGB bytes of the scaled image into CHW floats on a 0.5 canvas, one bulk put per row. */
    private static void writeChw(byte[] rgb, Geometry g, int netW, int netH, FloatBuffer dst, int offset) {
        float[] padRow = new float[netW];
        Arrays.fill(padRow, PAD);
        // Columns outside [dx, dx+newW) stay 0.5 in every image row.
        float[] row = padRow.clone();
        int plane = netW * netH;
        for (int c = 0; c < 3; c++) {
            int planeBase = offset + c * plane;
            for (int y = 0; y < netH; y++) {
                int sy = y - g.dy;
                if (sy < 0 || sy >= g.newH) {
                    dst.put(planeBase + y * netW, padRow, 0, netW);
                    continue;
                }
                int src = sy * g.newW * 3 + c;
                for (int x = 0; x < g.newW; x++, src += 3) {
                    row[g.dx + x] = UNIT[rgb[src] & 0xff];
                }
                dst.put(planeBase + y * netW, row, 0, netW);
            }
        }
    }
}
