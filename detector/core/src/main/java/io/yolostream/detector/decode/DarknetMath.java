package io.yolostream.detector.decode;

import java.nio.FloatBuffer;

/**
 * Darknet's activation, softmax and IoU formulas with the same float/double mix as its C code, so that thresholds
 * cut at the same places. Reads the caller's buffer with absolute gets only.
 */
final class DarknetMath {
    private DarknetMath() {
    }

    /** {@code logistic_activate}: {@code 1./(1. + exp(-x))} in double, stored as float. */
    static float logistic(float x) {
        return (float) (1.0 / (1.0 + Math.exp(-x)));
    }

    /**
     * Darknet's {@code softmax} (temperature 1): {@code n} values at {@code in[from + i*stride]} into
     * {@code out[outFrom + i]}. Subtracts the largest, exps in double, sums and divides in float.
     */
    static void softmax(FloatBuffer in, int from, int n, int stride, float[] out, int outFrom) {
        float largest = -Float.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            float v = in.get(from + i * stride);
            if (v > largest) {
                largest = v;
            }
        }
        float sum = 0;
        for (int i = 0; i < n; i++) {
            float e = (float) Math.exp(in.get(from + i * stride) - largest);
            sum += e;
            out[outFrom + i] = e;
        }
        for (int i = 0; i < n; i++) {
            out[outFrom + i] /= sum;
        }
    }

    /** Darknet's {@code overlap}: length of the intersection of two centred segments (negative when apart). */
    static float overlap(float x1, float w1, float x2, float w2) {
        float l1 = x1 - w1 / 2;
        float l2 = x2 - w2 / 2;
        float left = l1 > l2 ? l1 : l2;
        float r1 = x1 + w1 / 2;
        float r2 = x2 + w2 / 2;
        float right = r1 < r2 ? r1 : r2;
        return right - left;
    }

    /** Darknet's {@code box_iou} on centre/size boxes. */
    static float iou(float ax, float ay, float aw, float ah, float bx, float by, float bw, float bh) {
        float w = overlap(ax, aw, bx, bw);
        float h = overlap(ay, ah, by, bh);
        float inter = (w < 0 || h < 0) ? 0 : w * h;
        float union = aw * ah + bw * bh - inter;
        return inter / union;
    }
}
