package io.yolostream.detector.decode;

import io.yolostream.detector.model.ModelInfo;
import io.yolostream.wordtree.WordTree;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A deliberately naive, line-by-line transcription of darknet's region path (dense prob arrays, in-place
 * activations on a copy, the real compaction + per-class sort of do_nms_sort) to check the decoder against.
 * Sorting uses a stable sort, as glibc's merge-sort qsort.
 */
final class DarknetReference {
    private DarknetReference() {
    }

    static final class Det {
        float x, y, w, h;
        float objectness;
        float[] prob;
        int sortClass;
        int index;
        float[] conditional; // reference-only: class probabilities before scaling (flat)
    }

    /** Result in the decoder's terms, to compare: pixel box, classes above thresh, label. */
    record Result(float left, float top, float width, float height, float objectness, int label, float score,
                  List<Integer> classes, List<Float> probs) {
    }

    static float logistic(float x) {
        return (float) (1. / (1. + Math.exp(-x)));
    }

    static void softmax(float[] input, int off, int n, float temp, int stride, float[] output, int outOff) {
        float sum = 0;
        float largest = -Float.MAX_VALUE;
        for (int i = 0; i < n; ++i) {
            if (input[off + i * stride] > largest) {
                largest = input[off + i * stride];
            }
        }
        for (int i = 0; i < n; ++i) {
            float e = (float) Math.exp(input[off + i * stride] / temp - largest / temp);
            sum += e;
            output[outOff + i * stride] = e;
        }
        for (int i = 0; i < n; ++i) {
            output[outOff + i * stride] /= sum;
        }
    }

    static List<Result> run(ModelInfo info, float[] raw, int lw, int lh, int netw, int neth, int w, int h,
                            float thresh, float hier, float nms, boolean conditionalWalk) {
        int coords = info.coords();
        int classes = info.classes();
        int ln = info.num();
        WordTree tree = info.tree();
        float[] out = raw.clone();
        int per = coords + 1 + classes;
        // forward_region_layer (CPU), tree softmax per group as darknet's GPU kernel
        for (int n = 0; n < ln; ++n) {
            int index = n * per * lw * lh;
            for (int i = 0; i < 2 * lw * lh; i++) {
                out[index + i] = logistic(out[index + i]);
            }
            index = n * per * lw * lh + coords * lw * lh;
            for (int i = 0; i < lw * lh; i++) {
                out[index + i] = logistic(out[index + i]);
            }
            index = n * per * lw * lh + (coords + 1) * lw * lh;
            if (!info.softmax() && tree == null) {
                for (int i = 0; i < classes * lw * lh; i++) {
                    out[index + i] = logistic(out[index + i]);
                }
            }
        }
        for (int n = 0; n < ln; ++n) {
            for (int loc = 0; loc < lw * lh; ++loc) {
                int classIndex = n * per * lw * lh + (coords + 1) * lw * lh + loc;
                if (tree != null) {
                    for (int g = 0; g < tree.groups(); g++) {
                        int o = classIndex + tree.groupOffset(g) * lw * lh;
                        softmax(raw, o, tree.groupSize(g), 1, lw * lh, out, o);
                    }
                } else if (info.softmax()) {
                    softmax(raw, classIndex, classes, 1, lw * lh, out, classIndex);
                }
            }
        }
        float[] conditionalCopy = out.clone();
        // get_region_detections
        Det[] dets = new Det[lw * lh * ln];
        for (int i = 0; i < lw * lh; ++i) {
            int row = i / lw;
            int col = i % lw;
            for (int n = 0; n < ln; ++n) {
                int index = n * lw * lh + i;
                Det d = new Det();
                dets[index] = d;
                d.index = index;
                d.prob = new float[classes];
                int objIndex = n * per * lw * lh + coords * lw * lh + i;
                int boxIndex = n * per * lw * lh + i;
                float scale = out[objIndex];
                int stride = lw * lh;
                d.x = (col + out[boxIndex]) / lw;
                d.y = (row + out[boxIndex + stride]) / lh;
                d.w = (float) (Math.exp(out[boxIndex + 2 * stride]) * info.anchors()[2 * n] / lw);
                d.h = (float) (Math.exp(out[boxIndex + 3 * stride]) * info.anchors()[2 * n + 1] / lh);
                d.objectness = scale > thresh ? scale : 0;
                int classIndex = n * per * lw * lh + (coords + 1) * lw * lh + i;
                if (tree != null) {
                    for (int j = 0; j < classes; ++j) {
                        int parent = tree.parent(j);
                        if (parent >= 0) {
                            out[classIndex + j * stride] *= out[classIndex + parent * stride];
                        }
                    }
                    float[] walkOn = conditionalWalk ? conditionalCopy : out;
                    int j = topPrediction(walkOn, classIndex, tree, hier, stride);
                    d.prob[j] = (scale > thresh) ? scale : 0;
                } else if (d.objectness != 0) {
                    d.conditional = new float[classes];
                    for (int j = 0; j < classes; ++j) {
                        float prob = scale * out[classIndex + j * stride];
                        d.conditional[j] = out[classIndex + j * stride];
                        d.prob[j] = (prob > thresh) ? prob : 0;
                    }
                }
            }
        }
        // correct_region_boxes, relative
        int newW;
        int newH;
        if (((float) netw / w) < ((float) neth / h)) {
            newW = netw;
            newH = (h * netw) / w;
        } else {
            newH = neth;
            newW = (w * neth) / h;
        }
        for (Det d : dets) {
            d.x = (float) ((d.x - (netw - newW) / 2. / netw) / ((float) newW / netw));
            d.y = (float) ((d.y - (neth - newH) / 2. / neth) / ((float) newH / neth));
            d.w *= (float) netw / newW;
            d.h *= (float) neth / newH;
        }
        if (nms != 0) {
            doNmsSort(dets, dets.length, classes, nms);
        }
        List<Result> results = new ArrayList<>();
        for (Det d : dets) {
            List<Integer> cls = new ArrayList<>();
            List<Float> probs = new ArrayList<>();
            int best = -1;
            for (int j = 0; j < classes; ++j) {
                if (d.prob[j] > thresh) {
                    cls.add(j);
                    probs.add(d.prob[j]);
                    if (best < 0 || d.prob[j] > d.prob[best]) {
                        best = j;
                    }
                }
            }
            if (best < 0) {
                continue;
            }
            double left = (d.x - d.w / 2.) * w;
            double right = (d.x + d.w / 2.) * w;
            double top = (d.y - d.h / 2.) * h;
            double bot = (d.y + d.h / 2.) * h;
            left = Math.max(left, 0);
            right = Math.min(right, w - 1);
            top = Math.max(top, 0);
            bot = Math.min(bot, h - 1);
            results.add(new Result((float) left, (float) top, (float) (right - left), (float) (bot - top),
                    d.objectness, best, d.prob[best], cls, probs));
        }
        return results;
    }

    static int topPrediction(float[] predictions, int base, WordTree hier, float thresh, int stride) {
        float p = 1;
        int group = 0;
        while (true) {
            float max = 0;
            int maxI = 0;
            for (int i = 0; i < hier.groupSize(group); ++i) {
                int index = i + hier.groupOffset(group);
                float val = predictions[base + (i + hier.groupOffset(group)) * stride];
                if (val > max) {
                    maxI = index;
                    max = val;
                }
            }
            if (p * max > thresh) {
                p = p * max;
                group = hier.childGroup(maxI);
                if (hier.childGroup(maxI) < 0) {
                    return maxI;
                }
            } else if (group == 0) {
                return maxI;
            } else {
                return hier.parent(hier.groupOffset(group));
            }
        }
    }

    static float overlap(float x1, float w1, float x2, float w2) {
        float l1 = x1 - w1 / 2;
        float l2 = x2 - w2 / 2;
        float left = l1 > l2 ? l1 : l2;
        float r1 = x1 + w1 / 2;
        float r2 = x2 + w2 / 2;
        float right = r1 < r2 ? r1 : r2;
        return right - left;
    }

    static float boxIou(Det a, Det b) {
        float w = overlap(a.x, a.w, b.x, b.w);
        float h = overlap(a.y, a.h, b.y, b.h);
        float inter = (w < 0 || h < 0) ? 0 : w * h;
        float union = a.w * a.h + b.w * b.h - inter;
        return inter / union;
    }

    static void doNmsSort(Det[] dets, int total, int classes, float thresh) {
        int k = total - 1;
        for (int i = 0; i <= k; ++i) {
            if (dets[i].objectness == 0) {
                Det swap = dets[i];
                dets[i] = dets[k];
                dets[k] = swap;
                --k;
                --i;
            }
        }
        total = k + 1;
        for (k = 0; k < classes; ++k) {
            for (int i = 0; i < total; ++i) {
                dets[i].sortClass = k;
            }
            Arrays.sort(dets, 0, total, (a, b) -> {
                float diff = a.prob[b.sortClass] - b.prob[b.sortClass];
                return diff < 0 ? 1 : diff > 0 ? -1 : 0;
            });
            for (int i = 0; i < total; ++i) {
                if (dets[i].prob[k] == 0) {
                    continue;
                }
                for (int j = i + 1; j < total; ++j) {
                    if (boxIou(dets[i], dets[j]) > thresh) {
                        dets[j].prob[k] = 0;
                    }
                }
            }
        }
    }
}
