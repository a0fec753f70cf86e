/*
 * Port of the JPEG inverse DCT of stb_image v2.19 (Sean Barrett, http://nothings.org/stb),
 * used under its MIT / public-domain dual license; the full notice is in StbJpegDecoder.java.
 */
package io.yolostream.detector.preprocess;

/**
 * stb_image's integer IDCT (derived from IJG jidctint, DCT_ISLOW), in the exact arithmetic of its SSE2 kernel
 * {@code stbi__idct_simd}, the one an x86-64 gcc build (such as darknet's) uses. That kernel is built to match the
 * scalar {@code stbi__idct_block} bit for bit; the two differ only on out-of-range coefficients, where the SSE2
 * code wraps its 16-bit sums ({@code row0+row4}, {@code row1+row7}, {@code row3+row5}) and saturates the
 * column-pass output to 16 bits. This port reproduces those wraps and saturations lane by lane.
 */
final class StbIdct {
    private StbIdct() {}

    /** {@code stbi__f2f}: float constant to 12-bit fixed point (C: {@code (int)(x * 4096 + 0.5)}). */
    private static int f2f(float x) {
        return (int) (x * 4096 + 0.5);
    }

    // dct_const(x, y) pairs of the SSE2 kernel: even lanes multiply the first input, odd lanes the second.
    private static final int ROT0_0E = f2f(0.5411961f);
    private static final int ROT0_0O = f2f(0.5411961f) + f2f(-1.847759065f);
    private static final int ROT0_1E = f2f(0.5411961f) + f2f(0.765366865f);
    private static final int ROT0_1O = f2f(0.5411961f);
    private static final int ROT1_0E = f2f(1.175875602f) + f2f(-0.899976223f);
    private static final int ROT1_0O = f2f(1.175875602f);
    private static final int ROT1_1E = f2f(1.175875602f);
    private static final int ROT1_1O = f2f(1.175875602f) + f2f(-2.562915447f);
    private static final int ROT2_0E = f2f(-1.961570560f) + f2f(0.298631336f);
    private static final int ROT2_0O = f2f(-1.961570560f);
    private static final int ROT2_1E = f2f(-1.961570560f);
    private static final int ROT2_1O = f2f(-1.961570560f) + f2f(3.072711026f);
    private static final int ROT3_0E = f2f(-0.390180644f) + f2f(2.053119869f);
    private static final int ROT3_0O = f2f(-0.390180644f);
    private static final int ROT3_1E = f2f(-0.390180644f);
    private static final int ROT3_1O = f2f(-0.390180644f) + f2f(1.501321110f);

    private static final int BIAS_0 = 512;
    private static final int BIAS_1 = 65536 + (128 << 17);

    /**
     * Inverse-transforms one block of 64 dequantized coefficients (row-major, {@code data[off..off+63]}) into
     * 8x8 pixels at {@code out[outOff]} with row stride {@code stride}.
     *
     * @param tmp scratch of at least 64 ints
     */
    static void idct(short[] data, int off, byte[] out, int outOff, int stride, int[] tmp) {
        // column pass: lane c of "row r" is data[r*8+c]; results (saturated to 16 bits) go to tmp[r*8+c]
        for (int c = 0; c < 8; c++) {
            int i = off + c;
            pass(data[i], data[i + 8], data[i + 16], data[i + 24], data[i + 32], data[i + 40], data[i + 48],
                    data[i + 56], BIAS_0, 10, tmp, c, 8);
        }
        // after the transpose, lane r of "row k" is tmp[r*8+k]; the row pass gives pixel (r, k)
        for (int r = 0; r < 8; r++) {
            int i = r * 8;
            pass(tmp[i], tmp[i + 1], tmp[i + 2], tmp[i + 3], tmp[i + 4], tmp[i + 5], tmp[i + 6], tmp[i + 7],
                    BIAS_1, 17, tmp, i, 1);
            int o = outOff + r * stride;
            for (int k = 0; k < 8; k++) {
                int v = tmp[i + k];
                // _mm_packus_epi16: unsigned saturation to a byte
                out[o + k] = (byte) (v < 0 ? 0 : Math.min(v, 255));
            }
        }
    }

    /**
     * One {@code dct_pass} on a single lane: inputs are 16-bit values, products and sums 32-bit (wrapping like
     * {@code _mm_madd_epi16}/{@code _mm_add_epi32}), outputs {@code (x + bias) >> shift} saturated to 16 bits
     * ({@code _mm_packs_epi32}). Output k goes to {@code dst[dOff + k*dStep]}; the inputs are read first, so
     * {@code dst} may alias them.
     */
    private static void pass(int r0, int r1, int r2, int r3, int r4, int r5, int r6, int r7, int bias, int shift,
            int[] dst, int dOff, int dStep) {
        // even part
        int t2e = r2 * ROT0_0E + r6 * ROT0_0O;
        int t3e = r2 * ROT0_1E + r6 * ROT0_1O;
        int sum04 = (short) (r0 + r4);
        int dif04 = (short) (r0 - r4);
        int t0e = sum04 << 12;
        int t1e = dif04 << 12;
        int x0 = t0e + t3e;
        int x3 = t0e - t3e;
        int x1 = t1e + t2e;
        int x2 = t1e - t2e;
        // odd part
        int y0o = r7 * ROT2_0E + r3 * ROT2_0O;
        int y2o = r7 * ROT2_1E + r3 * ROT2_1O;
        int y1o = r5 * ROT3_0E + r1 * ROT3_0O;
        int y3o = r5 * ROT3_1E + r1 * ROT3_1O;
        int sum17 = (short) (r1 + r7);
        int sum35 = (short) (r3 + r5);
        int y4o = sum17 * ROT1_0E + sum35 * ROT1_0O;
        int y5o = sum17 * ROT1_1E + sum35 * ROT1_1O;
        int x4 = y0o + y4o;
        int x5 = y1o + y5o;
        int x6 = y2o + y5o;
        int x7 = y3o + y4o;
        // butterflies
        int a0 = x0 + bias;
        int a1 = x1 + bias;
        int a2 = x2 + bias;
        int a3 = x3 + bias;
        dst[dOff] = sat16((a0 + x7) >> shift);
        dst[dOff + 7 * dStep] = sat16((a0 - x7) >> shift);
        dst[dOff + dStep] = sat16((a1 + x6) >> shift);
        dst[dOff + 6 * dStep] = sat16((a1 - x6) >> shift);
        dst[dOff + 2 * dStep] = sat16((a2 + x5) >> shift);
        dst[dOff + 5 * dStep] = sat16((a2 - x5) >> shift);
        dst[dOff + 3 * dStep] = sat16((a3 + x4) >> shift);
        dst[dOff + 4 * dStep] = sat16((a3 - x4) >> shift);
    }

    private static int sat16(int v) {
        return v < -32768 ? -32768 : Math.min(v, 32767);
    }
}
