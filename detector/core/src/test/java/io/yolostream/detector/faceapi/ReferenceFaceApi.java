package io.yolostream.detector.faceapi;

/**
 * face-api's {@code TinyYolov2Base.runMobilenet} for the tiny face detector, transcribed literally in NHWC with
 * TF semantics (conv 'valid' after explicit tf.pad, max pool 'same' padding at the end, leaky as
 * {@code relu(x - 0.1x) + 0.1x}), in double, as an independent reference for the ONNX graph.
 */
final class ReferenceFaceApi {
    record Tensor(int h, int w, int c, float[] v) {
        float get(int y, int x, int ch) {
            return v[(y * w + x) * c + ch];
        }
    }

    private ReferenceFaceApi() {
    }

    static Tensor forward(TfjsWeights w, Tensor x) {
        int[] f = {3, 16, 32, 64, 128, 256, 512};
        Tensor out = leaky(conv(x, w.get("conv0/filters", 3, 3, 3, 16).values(), 3, 16,
                w.get("conv0/bias", 16).values()));
        for (int i = 1; i <= 5; i++) {
            out = maxPoolSame(out, 2);
            out = separable(pad1(out), w, "conv" + i, f[i], f[i + 1]);
        }
        out = maxPoolSame(out, 1);
        return conv(out, w.get("conv8/filters", 1, 1, 512, 25).values(), 1, 25, w.get("conv8/bias", 25).values());
    }

    private static Tensor separable(Tensor x, TfjsWeights w, String p, int in, int outC) {
        float[] dw = w.get(p + "/depthwise_filter", 3, 3, in, 1).values();
        int oh = x.h() - 2;
        int ow = x.w() - 2;
        float[] d = new float[oh * ow * in];
        for (int y = 0; y < oh; y++) {
            for (int xx = 0; xx < ow; xx++) {
                for (int c = 0; c < in; c++) {
                    double s = 0;
                    for (int i = 0; i < 3; i++) {
                        for (int j = 0; j < 3; j++) {
                            s += x.get(y + i, xx + j, c) * dw[(i * 3 + j) * in + c];
                        }
                    }
                    d[(y * ow + xx) * in + c] = (float) s;
                }
            }
        }
        return leaky(conv(new Tensor(oh, ow, in, d), w.get(p + "/pointwise_filter", 1, 1, in, outC).values(), 1,
                outC, w.get(p + "/bias", outC).values()));
    }

    /** tf.conv2d 'valid', stride 1, HWIO filters, plus bias. */
    private static Tensor conv(Tensor x, float[] k, int size, int outC, float[] bias) {
        int oh = x.h() - size + 1;
        int ow = x.w() - size + 1;
        float[] o = new float[oh * ow * outC];
        for (int y = 0; y < oh; y++) {
            for (int xx = 0; xx < ow; xx++) {
                for (int co = 0; co < outC; co++) {
                    double s = bias[co];
                    for (int i = 0; i < size; i++) {
                        for (int j = 0; j < size; j++) {
                            for (int ci = 0; ci < x.c(); ci++) {
                                s += x.get(y + i, xx + j, ci) * k[((i * size + j) * x.c() + ci) * outC + co];
                            }
                        }
                    }
                    o[(y * ow + xx) * outC + co] = (float) s;
                }
            }
        }
        return new Tensor(oh, ow, outC, o);
    }

    /** tf.maxPool([2,2], [s,s], 'same'): out = ceil(in/s), padding (ignored cells) split with the extra at the end. */
    private static Tensor maxPoolSame(Tensor x, int s) {
        int oh = (x.h() + s - 1) / s;
        int ow = (x.w() + s - 1) / s;
        int padTop = Math.max(0, (oh - 1) * s + 2 - x.h()) / 2;
        int padLeft = Math.max(0, (ow - 1) * s + 2 - x.w()) / 2;
        float[] o = new float[oh * ow * x.c()];
        for (int y = 0; y < oh; y++) {
            for (int xx = 0; xx < ow; xx++) {
                for (int c = 0; c < x.c(); c++) {
                    float m = Float.NEGATIVE_INFINITY;
                    for (int i = 0; i < 2; i++) {
                        for (int j = 0; j < 2; j++) {
                            int sy = y * s + i - padTop;
                            int sx = xx * s + j - padLeft;
                            if (sy >= 0 && sy < x.h() && sx >= 0 && sx < x.w()) {
                                m = Math.max(m, x.get(sy, sx, c));
                            }
                        }
                    }
                    o[(y * ow + xx) * x.c() + c] = m;
                }
            }
        }
        return new Tensor(oh, ow, x.c(), o);
    }

    private static Tensor pad1(Tensor x) {
        int h = x.h() + 2;
        int w = x.w() + 2;
        float[] o = new float[h * w * x.c()];
        for (int y = 0; y < x.h(); y++) {
            System.arraycopy(x.v(), y * x.w() * x.c(), o, ((y + 1) * w + 1) * x.c(), x.w() * x.c());
        }
        return new Tensor(h, w, x.c(), o);
    }

    private static Tensor leaky(Tensor x) {
        float[] o = new float[x.v().length];
        for (int i = 0; i < o.length; i++) {
            double v = x.v()[i];
            double min = v * 0.10000000149011612;
            o[i] = (float) (Math.max(0, v - min) + min);
        }
        return new Tensor(x.h(), x.w(), x.c(), o);
    }
}
