package io.yolostream.sinks.track;

import java.util.List;

/**
 * One tracked object of a camera (mutable; owned by its {@link Tracker}). {@link #number()} is 0 while tentative and
 * the camera-unique number from confirmation on.
 */
public final class Track {
    private long number;
    private final long serial;
    private TrackState state;
    private final MotionFilter filter;
    private long filterTimeMs;
    private int hits;
    private int misses;
    private final long firstSeenMs;
    private long lastSeenMs;
    private double lastScore;
    private Box lastBox;
    private final TrackLabel label;
    private final ZoneMemory zones;
    private boolean visible;
    private String endReason;
    // this step only (not saved): the index of the observation matched, -1 if none
    private int matched = -1;

    Track(long serial, Observation o, long timeMs, TrackerParams p) {
        this.serial = serial;
        this.state = TrackState.TENTATIVE;
        this.filter = MotionFilter.start(o.box());
        this.filterTimeMs = timeMs;
        this.hits = 1;
        this.firstSeenMs = timeMs;
        this.lastSeenMs = timeMs;
        this.lastScore = o.score();
        this.lastBox = o.box();
        this.label = new TrackLabel();
        this.zones = new ZoneMemory();
        this.matched = o.index();
        label.add(o.path(), o.weight(), p);
    }

    /** A track from its saved fields (see the getters). */
    public static Track restore(long number, long serial, TrackState state, MotionFilter filter, long filterTimeMs,
                                int hits, int misses, long firstSeenMs, long lastSeenMs, double lastScore, Box lastBox,
                                TrackLabel label, ZoneMemory zones, boolean visible) {
        return new Track(number, serial, state, filter, filterTimeMs, hits, misses, firstSeenMs, lastSeenMs,
                lastScore, lastBox, label, zones, visible);
    }

    private Track(long number, long serial, TrackState state, MotionFilter filter, long filterTimeMs, int hits,
                  int misses, long firstSeenMs, long lastSeenMs, double lastScore, Box lastBox, TrackLabel label,
                  ZoneMemory zones, boolean visible) {
        this.number = number;
        this.serial = serial;
        this.state = state;
        this.filter = filter;
        this.filterTimeMs = filterTimeMs;
        this.hits = hits;
        this.misses = misses;
        this.firstSeenMs = firstSeenMs;
        this.lastSeenMs = lastSeenMs;
        this.lastScore = lastScore;
        this.lastBox = lastBox;
        this.label = label;
        this.zones = zones;
        this.visible = visible;
    }

    void predictTo(long timeMs) {
        filter.predict((timeMs - filterTimeMs) / 1000.0);
        filterTimeMs = Math.max(filterTimeMs, timeMs);
        matched = -1;
    }

    void hit(Observation o, long timeMs, TrackerParams p) {
        filter.update(o.box());
        hits++;
        misses = 0;
        lastSeenMs = timeMs;
        lastScore = o.score();
        lastBox = o.box();
        matched = o.index();
        label.add(o.path(), o.weight(), p);
    }

    void miss() {
        misses++;
        matched = -1;
    }

    void confirm(long number) {
        this.number = number;
        this.state = TrackState.CONFIRMED;
    }

    void state(TrackState s) {
        this.state = s;
    }

    void end(String reason) {
        this.state = TrackState.ENDED;
        this.endReason = reason;
    }

    /** 0 while tentative. */
    public long number() {
        return number;
    }

    /** Order of creation within the tracker (tentative tracks included). */
    public long serial() {
        return serial;
    }

    public TrackState state() {
        return state;
    }

    public MotionFilter filter() {
        return filter;
    }

    public long filterTimeMs() {
        return filterTimeMs;
    }

    /** The smoothed box (the filter's estimate now). */
    public Box box() {
        return filter.box();
    }

    public int hits() {
        return hits;
    }

    /** Consecutive frames without a match. */
    public int misses() {
        return misses;
    }

    public long firstSeenMs() {
        return firstSeenMs;
    }

    public long lastSeenMs() {
        return lastSeenMs;
    }

    public double lastScore() {
        return lastScore;
    }

    /** The last detection box matched (unsmoothed). */
    public Box lastBox() {
        return lastBox;
    }

    public TrackLabel label() {
        return label;
    }

    public List<LabelSupport> labelPath(TrackerParams p) {
        return label.path(p);
    }

    public ZoneMemory zones() {
        return zones;
    }

    /** Whether the subscription filter has let this track through (it stays through once it has). */
    public boolean visible() {
        return visible;
    }

    public void visible(boolean v) {
        this.visible = v;
    }

    /** The observation matched in the latest step, -1 when none. */
    public int matched() {
        return matched;
    }

    /** Why it ended ("timeout", or what ended every track); null before. */
    public String endReason() {
        return endReason;
    }
}
