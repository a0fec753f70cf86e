package io.yolostream.deploy.track;

import io.yolostream.sinks.hierarchy.Hierarchy;
import io.yolostream.sinks.track.TrackerParams;
import io.yolostream.sinks.tracking.Tracking;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The sinks' tracker and a peer ({@link PeerTracker}) on the same synthetic scenes ({@link SyntheticScenes}), scored
 * against the scenes' ground truth ({@link MotMetrics}, IoU ≥ 0.5).
 */
public final class TrackComparison {
    /** One scene at one frame rate: both trackers' scores (peer null when it was not run). */
    public record Row(SyntheticScenes.Scene scene, MotMetrics.Scores ours, MotMetrics.Scores peer) {
    }

    /** Means over rows. */
    public record Summary(int rows, double oursIdf1, double peerIdf1, double oursMota, double peerMota,
                          long oursIdsw, long peerIdsw) {
        /** The goal: mean IDF1 at least 0.05 above the peer's and at most half its ID switches. */
        public boolean goalMet() {
            return oursIdf1 >= peerIdf1 + 0.05 && oursIdsw * 2 <= peerIdsw;
        }
    }

    private TrackComparison() {
    }

    public static List<Row> run(List<SyntheticScenes.Scene> scenes, TrackerParams params, PeerTracker peer,
                                Path workDir) throws IOException, InterruptedException {
        List<Row> rows = new ArrayList<>();
        Tracking tracking = new Tracking(params, Hierarchy.FLAT, List.of(), Long.MAX_VALUE);
        for (SyntheticScenes.Scene s : scenes) {
            // what `yolostream track --format motchallenge` does with the scene's detections
            OfflineTracking.Run run = OfflineTracking.run(OfflineTracking.fromMot(s.detections(), s.fps(),
                    s.frames(), s.id()), tracking, List.of());
            List<MotRow> ours = OfflineTracking.toMot(run.frames(), OfflineTracking.DEFAULT_COAST_MS);
            MotMetrics.Scores o = MotMetrics.evaluate(s.gt(), ours, 0.5);
            MotMetrics.Scores p = null;
            if (peer != null) {
                List<MotRow> theirs = peer.track(s.detections(), workDir.resolve(s.id().replace('@', '-')));
                p = MotMetrics.evaluate(s.gt(), theirs, 0.5);
            }
            rows.add(new Row(s, o, p));
        }
        return rows;
    }

    public static Summary summary(List<Row> rows) {
        double oi = 0;
        double pi = 0;
        double om = 0;
        double pm = 0;
        long os = 0;
        long ps = 0;
        for (Row r : rows) {
            oi += r.ours().idf1();
            om += r.ours().mota();
            os += r.ours().idsw();
            if (r.peer() != null) {
                pi += r.peer().idf1();
                pm += r.peer().mota();
                ps += r.peer().idsw();
            }
        }
        int n = Math.max(1, rows.size());
        return new Summary(rows.size(), oi / n, pi / n, om / n, pm / n, os, ps);
    }

    /** A Markdown table: one row per scene and rate, then the means per rate and overall. */
    public static String table(List<Row> rows, String peerName) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "| scene | fps | GT boxes | IDF1 yolostream | IDF1 %s | MOTA yolostream"
                + " | MOTA %s | ID sw. yolostream | ID sw. %s |%n", peerName, peerName, peerName));
        sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "| %s | %s | %d | %.3f | %s | %.3f | %s | %d | %s |%n",
                    r.scene().name(), fps(r.scene().fps()), r.ours().gt(), r.ours().idf1(),
                    r.peer() == null ? "–" : String.format(Locale.ROOT, "%.3f", r.peer().idf1()), r.ours().mota(),
                    r.peer() == null ? "–" : String.format(Locale.ROOT, "%.3f", r.peer().mota()), r.ours().idsw(),
                    r.peer() == null ? "–" : Long.toString(r.peer().idsw())));
        }
        List<Double> rates = rows.stream().map(r -> r.scene().fps()).distinct().toList();
        for (double f : rates) {
            appendMean(sb, "mean @ " + fps(f) + " fps", rows.stream().filter(r -> r.scene().fps() == f).toList());
        }
        appendMean(sb, "**mean, all**", rows);
        return sb.toString();
    }

    private static void appendMean(StringBuilder sb, String label, List<Row> rows) {
        Summary s = summary(rows);
        boolean peer = rows.stream().anyMatch(r -> r.peer() != null);
        sb.append(String.format(Locale.ROOT, "| %s | | | %.3f | %s | %.3f | %s | %d | %s |%n", label, s.oursIdf1(),
                peer ? String.format(Locale.ROOT, "%.3f", s.peerIdf1()) : "–", s.oursMota(),
                peer ? String.format(Locale.ROOT, "%.3f", s.peerMota()) : "–", s.oursIdsw(),
                peer ? Long.toString(s.peerIdsw()) : "–"));
    }

    /** The ratio line of a benchmark compared with a peer. */
    public static String ratio(Summary s) {
        return String.format(Locale.ROOT, "ratio: IDF1 %+.3f (%.3f vs %.3f), ID switches %d vs %d (%.2fx), "
                        + "MOTA %+.3f; goal (IDF1 +0.05, at most half the ID switches) %s",
                s.oursIdf1() - s.peerIdf1(), s.oursIdf1(), s.peerIdf1(), s.oursIdsw(), s.peerIdsw(),
                s.peerIdsw() == 0 ? Double.NaN : (double) s.oursIdsw() / s.peerIdsw(), s.oursMota() - s.peerMota(),
                s.goalMet() ? "met" : "NOT met");
    }

    static String fps(double f) {
        return f == Math.rint(f) ? Integer.toString((int) f) : String.format(Locale.ROOT, "%.3g", f);
    }
}
