package io.yolostream.detector.preprocess;

import java.nio.FloatBuffer;

/**
 * face-api's input ({@code NetInput.toBatchTensor(inputSize, false)} on an image tensor, then
 * {@code normalize(meanRgb)} and {@code /255}): the image is padded with zeros at the bottom or right to a square,
 * the square is resized with TF's bilinear resize (align_corners and half_pixel_centers false), and every channel
 * becomes {@code (value - mean) / 255}, so the padding ends up as {@code -mean/255}.
 *
 * <p>Non-square inputs ({@code netW != netH}), which face-api does not have: the padding goes to the smallest canvas
 * of the input's aspect ratio that holds the image (still at the bottom/right), then that canvas is resized; for a
 * square input this is face-api's square exactly. The scale is then the same on both axes, as face-api's.
 *
 * <p>Pure Java, scratch per call: thread-safe.
 */
public final class FaceApiLetterbox implements Preprocessor {
    /** face-api's {@code MEAN_RGB} of the tiny face detector. */
    public static final float[] MEAN_RGB = {117.001f, 114.697f, 97.404f};

    /**
     * Where the image lies in the input, as face-api's {@code computeReshapedDimensions}: at the top-left, scaled
     * by {@code min(netW/imgW, netH/imgH)} with the sizes rounded.
     */
    public record Geometry(int newW, int newH) {
    }

    public static Geometry geometry(int imgW, int imgH, int netW, int netH) {
        double scale = Math.min((double) netW / imgW, (double) netH / imgH);
        return new Geometry((int) Math.round(imgW * scale), (int) Math.round(imgH * scale));
    }

    @Override
    public String name() {
        return "faceapi";
    }

    @Override
    public void letterbox(RgbImage image, int netW, int netH, FloatBuffer dst, int offset) {
        Preprocessor.checkTarget("face-api preprocess", netW, netH, dst, offset);
        int imgW = image.width();
        int imgH = image.height();
        // The padded canvas, in source pixels: the image plus zeros to the input's aspect ratio.
        double r = Math.max((double) imgW / netW, (double) imgH / netH);
        int canvasW = Math.max(imgW, (int) Math.round(netW * r));
        int canvasH = Math.max(imgH, (int) Math.round(netH * r));
        double scaleX = (double) canvasW / netW;
        double scaleY = (double) canvasH / netH;

        int[] x0 = new int[netW];
        int[] x1 = new int[netW];
        float[] fx = new float[netW];
        for (int c = 0; c < netW; c++) {
            double sx = c * scaleX;
            x0[c] = (int) Math.floor(sx);
            x1[c] = Math.min(canvasW - 1, (int) Math.ceil(sx));
            fx[c] = (float) (sx - x0[c]);
        }
        byte[] rgb = image.rgb();
        int plane = netW * netH;
        float[] top = new float[3];
        float[] bottom = new float[3];
        for (int y = 0; y < netH; y++) {
            double sy = y * scaleY;
            int y0 = (int) Math.floor(sy);
            int y1 = Math.min(canvasH - 1, (int) Math.ceil(sy));
            float fy = (float) (sy - y0);
            int rowOut = offset + y * netW;
            for (int c = 0; c < netW; c++) {
                sample(rgb, imgW, imgH, x0[c], x1[c], y0, fx[c], top);
                sample(rgb, imgW, imgH, x0[c], x1[c], y1, fx[c], bottom);
                for (int k = 0; k < 3; k++) {
                    float v = top[k] + (bottom[k] - top[k]) * fy;
                    dst.put(rowOut + k * plane + c, (v - MEAN_RGB[k]) / 255f);
                }
            }
        }
    }

    /** Horizontal interpolation of one canvas row; pixels outside the image are the zero padding. */
    private static void sample(byte[] rgb, int imgW, int imgH, int xa, int xb, int y, float fx, float[] out) {
        for (int k = 0; k < 3; k++) {
            float a = pixel(rgb, imgW, imgH, xa, y, k);
            float b = pixel(rgb, imgW, imgH, xb, y, k);
            out[k] = a + (b - a) * fx;
        }
    }

    private static float pixel(byte[] rgb, int imgW, int imgH, int x, int y, int k) {
        return x < imgW && y < imgH ? (rgb[(y * imgW + x) * 3 + k] & 0xff) : 0f;
    }
}
