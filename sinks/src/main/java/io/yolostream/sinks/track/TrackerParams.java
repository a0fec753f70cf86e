package io.yolostream.sinks.track;

import java.util.ArrayList;
import java.util.List;

/**
 * The tracker's settings.
 *
 * @param highScore          detections at or above it take part in the first association (and may start tracks)
 * @param lowScore           detections from here to {@code highScore} only extend tracks seen in the previous frame
 *                           (ByteTrack's second association); below it they are ignored
 * @param newTrackScore      an unmatched detection starts a (tentative) track from this score
 * @param confirmHits        matches that confirm a tentative track (it gets its id then)
 * @param tentativeMaxMisses consecutive frames a tentative track may go unmatched before it is dropped
 * @param lostTimeoutMs      capture time a confirmed track stays LOST (predicted, matchable) before it ends
 * @param gate               squared Mahalanobis distance of the centre (2 d.o.f.) within which a detection may match
 *                           a track's prediction (9.21 = 99%)
 * @param iouGate            IoU with the prediction that allows a match outside the distance gate
 * @param labelThreshold     support the label node needs (above 0.5: see {@link TrackLabel})
 * @param labelHysteresis    the label is kept until its support falls below threshold − hysteresis
 * @param labelPrior         frames of "no evidence" every support starts with (how fast labels deepen)
 * @param maxTracks          tracks per camera at most (bounds state; no new track starts beyond it)
 */
public record TrackerParams(double highScore, double lowScore, double newTrackScore, int confirmHits,
                            int tentativeMaxMisses, long lostTimeoutMs, double gate, double iouGate,
                            double labelThreshold, double labelHysteresis, double labelPrior, int maxTracks) {
    public static final TrackerParams DEFAULTS = new TrackerParams(0.5, 0.1, 0.6, 3, 2, 3000, 9.21, 0.3, 0.6, 0.1,
            1.0, 500);

    public TrackerParams {
        List<String> problems = problems(highScore, lowScore, newTrackScore, confirmHits, tentativeMaxMisses,
                lostTimeoutMs, labelThreshold, labelHysteresis, labelPrior, maxTracks);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    /** What is wrong with these values (empty when they are fine), each naming the setting, expected and found. */
    public static List<String> problems(double highScore, double lowScore, double newTrackScore, int confirmHits,
                                        int tentativeMaxMisses, long lostTimeoutMs, double labelThreshold,
                                        double labelHysteresis, double labelPrior, int maxTracks) {
        List<String> p = new ArrayList<>();
        if (!(lowScore >= 0 && lowScore <= highScore && highScore <= 1)) {
            p.add("track scores: expected 0 <= low-score <= high-score <= 1, found low " + lowScore + ", high "
                    + highScore);
        }
        if (!(newTrackScore >= highScore && newTrackScore <= 1)) {
            p.add("new-track score: expected high-score.." + 1 + ", found " + newTrackScore);
        }
        if (confirmHits < 1 || confirmHits > 100) {
            p.add("track-confirm-hits: expected 1..100, found " + confirmHits);
        }
        if (tentativeMaxMisses < 0 || tentativeMaxMisses > 100) {
            p.add("tentative misses: expected 0..100, found " + tentativeMaxMisses);
        }
        if (lostTimeoutMs <= 0) {
            p.add("track-lost-timeout: expected a duration above 0, found " + lostTimeoutMs + " ms");
        }
        if (!(labelThreshold > 0.5 && labelThreshold <= 1)) {
            p.add("track-label-threshold: expected above 0.5 and at most 1 (one node per level can pass), found "
                    + labelThreshold);
        }
        if (!(labelHysteresis >= 0 && labelThreshold - labelHysteresis >= 1 - labelThreshold - 1e-9)) {
            p.add("track-label-hysteresis: expected 0.." + String.format(java.util.Locale.ROOT, "%.3f",
                    Math.max(0, 2 * labelThreshold - 1)) + " (2 x threshold - 1), found " + labelHysteresis);
        }
        if (!(labelPrior >= 0 && labelPrior <= 1000)) {
            p.add("track-label-prior: expected 0..1000 frames, found " + labelPrior);
        }
        if (maxTracks < 1) {
            p.add("max tracks: expected at least 1, found " + maxTracks);
        }
        return p;
    }

    public TrackerParams withLostTimeoutMs(long ms) {
        return new TrackerParams(highScore, lowScore, newTrackScore, confirmHits, tentativeMaxMisses, ms, gate,
                iouGate, labelThreshold, labelHysteresis, labelPrior, maxTracks);
    }

    public TrackerParams withConfirmHits(int hits) {
        return new TrackerParams(highScore, lowScore, newTrackScore, hits, tentativeMaxMisses, lostTimeoutMs, gate,
                iouGate, labelThreshold, labelHysteresis, labelPrior, maxTracks);
    }

    public TrackerParams withScores(double high, double low, double newTrack) {
        return new TrackerParams(high, low, newTrack, confirmHits, tentativeMaxMisses, lostTimeoutMs, gate, iouGate,
                labelThreshold, labelHysteresis, labelPrior, maxTracks);
    }

    public TrackerParams withLabel(double threshold, double hysteresis, double prior) {
        return new TrackerParams(highScore, lowScore, newTrackScore, confirmHits, tentativeMaxMisses, lostTimeoutMs,
                gate, iouGate, threshold, hysteresis, prior, maxTracks);
    }
}
