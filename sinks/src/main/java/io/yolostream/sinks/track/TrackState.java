package io.yolostream.sinks.track;

/**
 * A track's lifecycle: TENTATIVE until {@code confirmHits} matches (not reported, no id yet), then CONFIRMED
 * (matched in the latest frame), LOST (not matched, kept and predicted for {@code lostTimeout}), ENDED.
 */
public enum TrackState {
    TENTATIVE, CONFIRMED, LOST, ENDED
}
