package io.yolostream.detector.darknet;

import java.util.ArrayList;
import java.util.List;

/**
 * A literal pure-Java transcription of darknet's CPU forward pass (im2col-free, batch norm unfolded, epsilon
 * outside the root, reorg_cpu with forward=0), used to check the ONNX conversion layer by layer.
 */
final class ReferenceDarknet {
    /** One activation tensor [c][h][w] for one image. */
    record Tensor(int c, int h, int w, float[] data) {
        float at(int ch, int y, int x) {
            return data[(ch * h + y) * w + x];
        }
    }

    private ReferenceDarknet() {
    }

    /** Output of every layer for one CHW image. */
    static List<Tensor> forward(DarknetNetwork net, DarknetWeights weights, float[] image, int h, int w) {
        DarknetWeights.Cursor cursor = weights.cursor();
        List<Tensor> outs = new ArrayList<>();
        Tensor x = new Tensor(3, h, w, image);
        for (DarknetLayer layer : net.layers()) {
            if (layer instanceof DarknetLayer.Convolutional c) {
                x = conv(c, cursor, x);
            } else if (layer instanceof DarknetLayer.MaxPool m) {
                x = maxpool(m, x);
            } else if (layer instanceof DarknetLayer.Route r) {
                x = route(r, outs);
            } else if (layer instanceof DarknetLayer.Reorg r) {
                x = reorg(r.stride(), x);
            }
            outs.add(x);
        }
        return outs;
    }

    static Tensor conv(DarknetLayer.Convolutional l, DarknetWeights.Cursor cursor, Tensor x) {
        int n = l.filters();
        float[] bias = cursor.next(n);
        float[] scales = null;
        float[] mean = null;
        float[] var = null;
        if (l.batchNormalize()) {
            scales = cursor.next(n);
            mean = cursor.next(n);
            var = cursor.next(n);
        }
        int k = l.size();
        float[] wts = cursor.next(n * x.c() * k * k);
        int oh = (x.h() + 2 * l.pad() - k) / l.stride() + 1;
        int ow = (x.w() + 2 * l.pad() - k) / l.stride() + 1;
        float[] out = new float[n * oh * ow];
        for (int o = 0; o < n; o++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    double sum = 0;
                    for (int c = 0; c < x.c(); c++) {
                        for (int ky = 0; ky < k; ky++) {
                            for (int kx = 0; kx < k; kx++) {
                                int iy = oy * l.stride() + ky - l.pad();
                                int ix = ox * l.stride() + kx - l.pad();
                                if (iy >= 0 && iy < x.h() && ix >= 0 && ix < x.w()) {
                                    sum += wts[((o * x.c() + c) * k + ky) * k + kx] * x.at(c, iy, ix);
                                }
                            }
                        }
                    }
                    float v = (float) sum;
                    if (l.batchNormalize()) {
                        v = (float) ((v - mean[o]) / (Math.sqrt(var[o]) + .000001f));
                        v *= scales[o];
                    }
                    v += bias[o];
                    if (l.activation() == DarknetLayer.Activation.LEAKY) {
                        v = v > 0 ? v : .1f * v;
                    }
                    out[(o * oh + oy) * ow + ox] = v;
                }
            }
        }
        return new Tensor(n, oh, ow, out);
    }

    static Tensor maxpool(DarknetLayer.MaxPool l, Tensor x) {
        int oh = (x.h() + l.padding() - l.size()) / l.stride() + 1;
        int ow = (x.w() + l.padding() - l.size()) / l.stride() + 1;
        int off = -l.padding() / 2;
        float[] out = new float[x.c() * oh * ow];
        for (int c = 0; c < x.c(); c++) {
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    float max = -Float.MAX_VALUE;
                    for (int n = 0; n < l.size(); n++) {
                        for (int m = 0; m < l.size(); m++) {
                            int y = off + i * l.stride() + n;
                            int xx = off + j * l.stride() + m;
                            boolean valid = y >= 0 && y < x.h() && xx >= 0 && xx < x.w();
                            float val = valid ? x.at(c, y, xx) : -Float.MAX_VALUE;
                            max = Math.max(max, val);
                        }
                    }
                    out[(c * oh + i) * ow + j] = max;
                }
            }
        }
        return new Tensor(x.c(), oh, ow, out);
    }

    static Tensor route(DarknetLayer.Route r, List<Tensor> outs) {
        int c = 0;
        for (int l : r.layers()) {
            c += outs.get(l).c();
        }
        Tensor first = outs.get(r.layers()[0]);
        float[] data = new float[c * first.h() * first.w()];
        int pos = 0;
        for (int l : r.layers()) {
            float[] d = outs.get(l).data();
            System.arraycopy(d, 0, data, pos, d.length);
            pos += d.length;
        }
        return new Tensor(c, first.h(), first.w(), data);
    }

    /** darknet reorg_cpu(input, w, h, c, batch, stride, forward=0, output) as forward_reorg_layer calls it. */
    static Tensor reorg(int stride, Tensor x) {
        int w = x.w();
        int h = x.h();
        int c = x.c();
        float[] out = new float[x.data().length];
        int outC = c / (stride * stride);
        for (int k = 0; k < c; k++) {
            for (int j = 0; j < h; j++) {
                for (int i = 0; i < w; i++) {
                    int inIndex = i + w * (j + h * k);
                    int c2 = k % outC;
                    int offset = k / outC;
                    int w2 = i * stride + offset % stride;
                    int h2 = j * stride + offset / stride;
                    int outIndex = w2 + w * stride * (h2 + h * stride * c2);
                    out[inIndex] = x.data()[outIndex];
                }
            }
        }
        return new Tensor(c * stride * stride, h / stride, w / stride, out);
    }
}
