/*
 * Port of the JPEG upsampling and colour conversion of stb_image v2.19 (Sean Barrett, http://nothings.org/stb),
 * used under its MIT / public-domain dual license; the full notice is in StbJpegDecoder.java.
 */
package io.yolostream.detector.preprocess;

/**
 * The output stage of stb_image's {@code load_jpeg_image} for 3 requested channels: per output row, each
 * component row is upsampled ({@code resample_row_1}, {@code stbi__resample_row_v_2}, {@code _h_2},
 * {@code _hv_2} ("fancy", triangle filter) or {@code _generic} (nearest neighbour)), then converted to RGB.
 * The SSE2 variants stb selects on x86-64 ({@code stbi__resample_row_hv_2_simd}; {@code stbi__YCbCr_to_RGB_simd},
 * which for 3-byte output runs its scalar loop) compute exactly what these scalar versions compute.
 */
final class StbJpegColor {
    private StbJpegColor() {}

    private static final int ROW_1 = 0;
    private static final int V_2 = 1;
    private static final int H_2 = 2;
    private static final int HV_2 = 3;
    private static final int GENERIC = 4;

    /** {@code stbi__resample}: the state of one component's vertical walk. */
    private static final class Resample {
        int kind;
        int line0;
        int line1; // offsets of the two nearest input rows in the component plane
        int hs;
        int vs;
        int wLores;
        int ystep;
        int ypos;
        byte[] linebuf;
        // the row produced for the current output row
        byte[] outArr;
        int outOff;
    }

    /** stb's {@code stbi__float2fixed}: {@code ((int)(x * 4096.0f + 0.5f)) << 8}. */
    private static int float2fixed(float x) {
        return ((int) (x * 4096.0f + 0.5f)) << 8;
    }

    private static final int CR_R = float2fixed(1.40200f);
    private static final int CR_G = -float2fixed(0.71414f);
    private static final int CB_G = -float2fixed(0.34414f);
    private static final int CB_B = float2fixed(1.77200f);

    static RgbImage toRgb(StbJpegFrame z) {
        int n = 3;
        int imgX = z.imgX;
        int imgY = z.imgY;
        boolean isRgb = z.imgN == 3 && (z.rgb == 3 || (z.app14ColorTransform == 0 && !z.jfif));
        int decodeN = z.imgN;
        Resample[] res = new Resample[decodeN];
        for (int k = 0; k < decodeN; ++k) {
            StbJpegFrame.Component c = z.comp[k];
            Resample r = new Resample();
            r.linebuf = new byte[imgX + 3];
            r.hs = z.imgHMax / c.h;
            r.vs = z.imgVMax / c.v;
            r.ystep = r.vs >> 1;
            r.wLores = (imgX + r.hs - 1) / r.hs;
            r.ypos = 0;
            r.line0 = 0;
            r.line1 = 0;
            if (r.hs == 1 && r.vs == 1) {
                r.kind = ROW_1;
            } else if (r.hs == 1 && r.vs == 2) {
                r.kind = V_2;
            } else if (r.hs == 2 && r.vs == 1) {
                r.kind = H_2;
            } else if (r.hs == 2 && r.vs == 2) {
                r.kind = HV_2;
            } else {
                r.kind = GENERIC;
            }
            res[k] = r;
        }

        byte[] output = new byte[n * imgX * imgY];
        int[] cmyk = new int[3];
        for (int j = 0; j < imgY; ++j) {
            int out = n * imgX * j;
            for (int k = 0; k < decodeN; ++k) {
                Resample r = res[k];
                StbJpegFrame.Component c = z.comp[k];
                boolean yBot = r.ystep >= (r.vs >> 1);
                resample(r, c.data, yBot ? r.line1 : r.line0, yBot ? r.line0 : r.line1);
                if (++r.ystep >= r.vs) {
                    r.ystep = 0;
                    r.line0 = r.line1;
                    if (++r.ypos < c.y) {
                        r.line1 += c.w2;
                    }
                }
            }
            byte[] y0 = res[0].outArr;
            int yo = res[0].outOff;
            if (z.imgN == 3) {
                byte[] a1 = res[1].outArr;
                byte[] a2 = res[2].outArr;
                int o1 = res[1].outOff;
                int o2 = res[2].outOff;
                if (isRgb) {
                    for (int i = 0; i < imgX; ++i, out += n) {
                        output[out] = y0[yo + i];
                        output[out + 1] = a1[o1 + i];
                        output[out + 2] = a2[o2 + i];
                    }
                } else {
                    yCbCrToRgbRow(output, out, y0, yo, a1, o1, a2, o2, imgX, n);
                }
            } else if (z.imgN == 4) {
                byte[] a1 = res[1].outArr;
                byte[] a2 = res[2].outArr;
                byte[] a3 = res[3].outArr;
                int o1 = res[1].outOff;
                int o2 = res[2].outOff;
                int o3 = res[3].outOff;
                if (z.app14ColorTransform == 0) { // CMYK
                    for (int i = 0; i < imgX; ++i, out += n) {
                        int m = a3[o3 + i] & 0xff;
                        output[out] = blinn8x8(y0[yo + i] & 0xff, m);
                        output[out + 1] = blinn8x8(a1[o1 + i] & 0xff, m);
                        output[out + 2] = blinn8x8(a2[o2 + i] & 0xff, m);
                    }
                } else if (z.app14ColorTransform == 2) { // YCCK
                    yCbCrToRgbRow(output, out, y0, yo, a1, o1, a2, o2, imgX, n);
                    for (int i = 0; i < imgX; ++i, out += n) {
                        int m = a3[o3 + i] & 0xff;
                        for (int ch = 0; ch < 3; ch++) {
                            cmyk[ch] = 255 - (output[out + ch] & 0xff);
                        }
                        for (int ch = 0; ch < 3; ch++) {
                            output[out + ch] = blinn8x8(cmyk[ch], m);
                        }
                    }
                } else { // YCbCr + alpha? stb ignores the fourth channel
                    yCbCrToRgbRow(output, out, y0, yo, a1, o1, a2, o2, imgX, n);
                }
            } else {
                for (int i = 0; i < imgX; ++i, out += n) {
                    byte g = y0[yo + i];
                    output[out] = g;
                    output[out + 1] = g;
                    output[out + 2] = g;
                }
            }
        }
        return new RgbImage(imgX, imgY, output);
    }

    /** Produces the upsampled row for this output row into r.outArr/r.outOff. */
    private static void resample(Resample r, byte[] in, int near, int far) {
        int w = r.wLores;
        byte[] out = r.linebuf;
        r.outArr = out;
        r.outOff = 0;
        switch (r.kind) {
            case ROW_1:
                r.outArr = in;
                r.outOff = near;
                return;
            case V_2:
                for (int i = 0; i < w; ++i) {
                    out[i] = (byte) ((3 * (in[near + i] & 0xff) + (in[far + i] & 0xff) + 2) >> 2);
                }
                return;
            case H_2: {
                if (w == 1) {
                    out[0] = out[1] = in[near];
                    return;
                }
                out[0] = in[near];
                out[1] = (byte) (((in[near] & 0xff) * 3 + (in[near + 1] & 0xff) + 2) >> 2);
                int i;
                for (i = 1; i < w - 1; ++i) {
                    int m = 3 * (in[near + i] & 0xff) + 2;
                    out[i * 2] = (byte) ((m + (in[near + i - 1] & 0xff)) >> 2);
                    out[i * 2 + 1] = (byte) ((m + (in[near + i + 1] & 0xff)) >> 2);
                }
                out[i * 2] = (byte) (((in[near + w - 2] & 0xff) * 3 + (in[near + w - 1] & 0xff) + 2) >> 2);
                out[i * 2 + 1] = in[near + w - 1];
                return;
            }
            case HV_2: {
                if (w == 1) {
                    out[0] = out[1] = (byte) ((3 * (in[near] & 0xff) + (in[far] & 0xff) + 2) >> 2);
                    return;
                }
                int t1 = 3 * (in[near] & 0xff) + (in[far] & 0xff);
                out[0] = (byte) ((t1 + 2) >> 2);
                for (int i = 1; i < w; ++i) {
                    int t0 = t1;
                    t1 = 3 * (in[near + i] & 0xff) + (in[far + i] & 0xff);
                    out[i * 2 - 1] = (byte) ((3 * t0 + t1 + 8) >> 4);
                    out[i * 2] = (byte) ((3 * t1 + t0 + 8) >> 4);
                }
                out[w * 2 - 1] = (byte) ((t1 + 2) >> 2);
                return;
            }
            default: { // nearest neighbour
                int hs = r.hs;
                for (int i = 0; i < w; ++i) {
                    for (int j = 0; j < hs; ++j) {
                        out[i * hs + j] = in[near + i];
                    }
                }
            }
        }
    }

    /** {@code stbi__YCbCr_to_RGB_row}: stb's reduced-precision fixed-point YCbCr to RGB. */
    private static void yCbCrToRgbRow(byte[] output, int out, byte[] y, int yo, byte[] pcb, int cbo, byte[] pcr,
            int cro, int count, int step) {
        for (int i = 0; i < count; ++i, out += step) {
            int yFixed = ((y[yo + i] & 0xff) << 20) + (1 << 19); // rounding
            int cr = (pcr[cro + i] & 0xff) - 128;
            int cb = (pcb[cbo + i] & 0xff) - 128;
            int r = yFixed + cr * CR_R;
            int g = yFixed + (cr * CR_G) + ((cb * CB_G) & 0xffff0000);
            int b = yFixed + cb * CB_B;
            r >>= 20;
            g >>= 20;
            b >>= 20;
            output[out] = clamp(r);
            output[out + 1] = clamp(g);
            output[out + 2] = clamp(b);
        }
    }

    private static byte clamp(int x) {
        return (byte) (x < 0 ? 0 : Math.min(x, 255));
    }

    /** {@code stbi__blinn_8x8}: fast rounded x*y/255. */
    private static byte blinn8x8(int x, int y) {
        int t = x * y + 128;
        return (byte) ((t + (t >>> 8)) >>> 8);
    }
}
