package io.yolostream.detector.decode;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Darknet's {@code do_nms_sort}: per class, sort by that class's probability (descending) and zero it in every later
 * box whose IoU with a kept box exceeds the threshold.
 *
 * <p>Darknet sorts the whole array once per class with {@code qsort} (glibc's merge sort: stable), each sort starting
 * from the order the previous one left. Only classes with a nonzero probability are processed here; an all-zero class
 * sort leaves a stable order unchanged, and boxes whose probability is zero for a class neither suppress nor matter,
 * so the kept boxes are the same, ties included.
 */
final class DarknetNms {
    private DarknetNms() {
    }

    /**
     * @param candidates boxes in darknet's order after its objectness compaction (see
     *                   {@link #compactionOrder(boolean[])}); probabilities are zeroed in place
     * @param nms        IoU threshold; 0 disables NMS
     */
    static void apply(List<Candidate> candidates, float nms) {
        if (nms == 0 || candidates.size() < 2) {
            return;
        }
        Candidate[] order = candidates.toArray(new Candidate[0]);
        Candidate[] withClass = new Candidate[order.length];
        Candidate[] without = new Candidate[order.length];
        for (int k : activeClasses(order)) {
            int n1 = 0;
            int n0 = 0;
            for (Candidate c : order) {
                int s = Arrays.binarySearch(c.classIds, k);
                c.slot = s;
                if (s >= 0 && c.probs[s] != 0) {
                    withClass[n1++] = c;
                } else {
                    without[n0++] = c;
                }
            }
            if (n1 == 0) {
                continue;
            }
            // nms_comparator: higher prob first; Arrays.sort on objects is stable, like glibc's msort.
            Arrays.sort(withClass, 0, n1, BY_SLOT_PROB_DESC);
            System.arraycopy(withClass, 0, order, 0, n1);
            System.arraycopy(without, 0, order, n1, n0);
            for (int i = 0; i < n1; i++) {
                Candidate a = order[i];
                if (a.probs[a.slot] == 0) {
                    continue;
                }
                for (int j = i + 1; j < n1; j++) {
                    Candidate b = order[j];
                    if (a.box.iou(b.box) > nms) {
                        b.probs[b.slot] = 0;
                    }
                }
            }
        }
    }

    private static final Comparator<Candidate> BY_SLOT_PROB_DESC = (a, b) -> {
        float diff = a.probs[a.slot] - b.probs[b.slot];
        return diff < 0 ? 1 : diff > 0 ? -1 : 0;
    };

    private static int[] activeClasses(Candidate[] order) {
        int total = 0;
        for (Candidate c : order) {
            total += c.classIds.length;
        }
        int[] all = new int[total];
        int n = 0;
        for (Candidate c : order) {
            System.arraycopy(c.classIds, 0, all, n, c.classIds.length);
            n += c.classIds.length;
        }
        return Arrays.stream(all).sorted().distinct().toArray();
    }

    /**
     * The order darknet's {@code do_nms_sort} leaves detections in after moving those with zero objectness to the
     * end (swap with the last, re-check): indices of the {@code alive} detections, in that order.
     */
    static int[] compactionOrder(boolean[] alive) {
        int total = alive.length;
        int[] perm = new int[total];
        for (int i = 0; i < total; i++) {
            perm[i] = i;
        }
        int k = total - 1;
        for (int i = 0; i <= k; ++i) {
            if (!alive[perm[i]]) {
                int swap = perm[i];
                perm[i] = perm[k];
                perm[k] = swap;
                --k;
                --i;
            }
        }
        return Arrays.copyOf(perm, k + 1);
    }
}
