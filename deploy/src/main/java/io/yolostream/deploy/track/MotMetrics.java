package io.yolostream.deploy.track;

import io.yolostream.sinks.track.Hungarian;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The standard multi-object tracking scores of a hypothesis (tracks) against ground truth, boxes matching at
 * IoU ≥ {@code threshold} (0.5):
 * <ul>
 * <li>CLEAR MOT (Bernardin &amp; Stiefelhagen 2008): per frame, a ground-truth object keeps the hypothesis it was
 * matched to in the previous frame while they still overlap enough; the others are matched by the Hungarian method
 * on 1 − IoU. An <em>ID switch</em> is a ground-truth object matched to a hypothesis other than the one it was last
 * matched to. MOTA = 1 − (FN + FP + IDSW) / GT.</li>
 * <li>IDF1 (Ristani et al. 2016): ground-truth and hypothesis trajectories are matched one to one so that the frames
 * in which matched pairs overlap (IDTP) are most; IDF1 = 2·IDTP / (GT boxes + hypothesis boxes).</li>
 * </ul>
 */
public final class MotMetrics {
    /**
     * The scores.
     *
     * @param gt   ground-truth boxes
     * @param hyp  hypothesis boxes
     * @param idsw identity switches
     */
    public record Scores(long gt, long hyp, long matches, long fp, long fn, long idsw, double mota, long idtp,
                         double idf1, double idp, double idr, int gtIds, int hypIds, double motp) {
    }

    private MotMetrics() {
    }

    public static Scores evaluate(List<MotRow> gt, List<MotRow> hyp, double threshold) {
        TreeMap<Integer, List<MotRow>> g = MotFile.byFrame(gt);
        TreeMap<Integer, List<MotRow>> h = MotFile.byFrame(hyp);
        TreeSet<Integer> frames = new TreeSet<>(g.keySet());
        frames.addAll(h.keySet());
        Map<String, String> last = new HashMap<>();     // gt id -> hypothesis id it was last matched to
        Map<String, Map<String, Long>> pairs = new LinkedHashMap<>(); // gt id -> hyp id -> frames overlapping
        long fp = 0;
        long fn = 0;
        long idsw = 0;
        long matches = 0;
        double iouSum = 0;
        for (int f : frames) {
            List<MotRow> gs = g.getOrDefault(f, List.of());
            List<MotRow> hs = h.getOrDefault(f, List.of());
            // IDF1's co-occurrence counts: every overlapping pair in the frame
            for (MotRow a : gs) {
                for (MotRow b : hs) {
                    if (a.box().iou(b.box()) >= threshold) {
                        pairs.computeIfAbsent(a.id(), k -> new LinkedHashMap<>()).merge(b.id(), 1L, Long::sum);
                    }
                }
            }
            boolean[] gUsed = new boolean[gs.size()];
            boolean[] hUsed = new boolean[hs.size()];
            List<int[]> matched = new ArrayList<>();
            // keep last frame's correspondences that still hold
            for (int i = 0; i < gs.size(); i++) {
                String prev = last.get(gs.get(i).id());
                if (prev == null) {
                    continue;
                }
                for (int j = 0; j < hs.size(); j++) {
                    if (!hUsed[j] && hs.get(j).id().equals(prev)
                            && gs.get(i).box().iou(hs.get(j).box()) >= threshold) {
                        gUsed[i] = true;
                        hUsed[j] = true;
                        matched.add(new int[]{i, j});
                        break;
                    }
                }
            }
            double[][] cost = new double[gs.size()][hs.size()];
            for (int i = 0; i < gs.size(); i++) {
                for (int j = 0; j < hs.size(); j++) {
                    double iou = gs.get(i).box().iou(hs.get(j).box());
                    cost[i][j] = gUsed[i] || hUsed[j] || iou < threshold ? Double.POSITIVE_INFINITY : 1 - iou;
                }
            }
            int[] a = Hungarian.assign(cost, 1.0);
            for (int i = 0; i < a.length; i++) {
                if (a[i] >= 0) {
                    String prev = last.get(gs.get(i).id());
                    if (prev != null && !prev.equals(hs.get(a[i]).id())) {
                        idsw++;
                    }
                    gUsed[i] = true;
                    hUsed[a[i]] = true;
                    matched.add(new int[]{i, a[i]});
                }
            }
            for (int[] m : matched) {
                last.put(gs.get(m[0]).id(), hs.get(m[1]).id());
                iouSum += gs.get(m[0]).box().iou(hs.get(m[1]).box());
            }
            matches += matched.size();
            fn += gs.size() - matched.size();
            fp += hs.size() - matched.size();
        }
        long nGt = gt.size();
        long nHyp = hyp.size();
        double mota = nGt == 0 ? Double.NaN : 1 - (double) (fn + fp + idsw) / nGt;
        // IDF1: one-to-one trajectory matching maximising the frames matched
        List<String> gIds = new ArrayList<>(new TreeSet<>(gt.stream().map(MotRow::id).toList()));
        List<String> hIds = new ArrayList<>(new TreeSet<>(hyp.stream().map(MotRow::id).toList()));
        Map<String, Integer> hIndex = new HashMap<>();
        for (int j = 0; j < hIds.size(); j++) {
            hIndex.put(hIds.get(j), j);
        }
        long max = 0;
        for (Map<String, Long> m : pairs.values()) {
            for (long v : m.values()) {
                max = Math.max(max, v);
            }
        }
        double[][] cost = new double[gIds.size()][hIds.size()];
        for (int i = 0; i < gIds.size(); i++) {
            Map<String, Long> m = pairs.getOrDefault(gIds.get(i), Map.of());
            for (int j = 0; j < hIds.size(); j++) {
                Long v = m.get(hIds.get(j));
                // every pair allowed: a full assignment of min(G, H) pairs minimising Σ(max − v) maximises Σ v
                cost[i][j] = max - (v == null ? 0 : v);
            }
        }
        int[] a = Hungarian.assign(cost, Double.MAX_VALUE);
        long idtp = 0;
        for (int i = 0; i < a.length; i++) {
            if (a[i] >= 0) {
                idtp += pairs.getOrDefault(gIds.get(i), Map.of()).getOrDefault(hIds.get(a[i]), 0L);
            }
        }
        double idf1 = nGt + nHyp == 0 ? Double.NaN : 2.0 * idtp / (nGt + nHyp);
        return new Scores(nGt, nHyp, matches, fp, fn, idsw, mota, idtp, idf1,
                nHyp == 0 ? 0 : (double) idtp / nHyp, nGt == 0 ? 0 : (double) idtp / nGt, gIds.size(), hIds.size(),
                matches == 0 ? 0 : iouSum / matches);
    }
}
