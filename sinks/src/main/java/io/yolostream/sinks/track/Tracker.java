package io.yolostream.sinks.track;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * Tracking by detection for one camera: a constant-velocity Kalman filter per track ({@link MotionFilter}, capture
 * time in seconds), global assignment ({@link Hungarian}) on a cost combining the IoU with the predicted box and
 * the Mahalanobis distance of the centres, ByteTrack's second association of low-score detections with the tracks
 * that the first pass left unmatched, and the lifecycle tentative → confirmed → lost → ended ({@link TrackState}).
 * <p>
 * A step: every track is predicted to the frame's time; (1) confirmed and lost tracks × high-score detections;
 * (2) the confirmed tracks still unmatched × low-score detections; (3) tentative tracks × the high-score detections
 * left; then unmatched tentative tracks are dropped after {@code tentativeMaxMisses}, unmatched confirmed ones become
 * LOST, lost ones past {@code lostTimeout} end, and each high-score detection left (≥ {@code newTrackScore}) starts
 * a tentative track. A tentative track with {@code confirmHits} matches gets the camera's next number.
 * Not thread-safe; pure (no I/O, no clock): the same inputs give the same tracks.
 */
public final class Tracker {
    /** A detection overlapping a track matched in this frame this much is a duplicate, not a new object. */
    static final double DUPLICATE_IOU = 0.7;
    private static final double NO = Double.POSITIVE_INFINITY;

    /** What one step did. {@code reported}: confirmed and lost tracks after the step (tentative ones are not). */
    public record Step(List<Track> started, List<Track> ended, List<Track> reported) {
    }

    private final TrackerParams params;
    private final List<Track> tracks;
    private long nextNumber;
    private long nextSerial;
    private long lastTimeMs;

    public Tracker(TrackerParams params) {
        this(params, new ArrayList<>(), 1, 1, Long.MIN_VALUE);
    }

    private Tracker(TrackerParams params, List<Track> tracks, long nextNumber, long nextSerial, long lastTimeMs) {
        this.params = params;
        this.tracks = tracks;
        this.nextNumber = nextNumber;
        this.nextSerial = nextSerial;
        this.lastTimeMs = lastTimeMs;
    }

    /** A tracker from its saved tracks and counters. */
    public static Tracker restore(TrackerParams params, List<Track> tracks, long nextNumber, long nextSerial,
                                  long lastTimeMs) {
        return new Tracker(params, new ArrayList<>(tracks), nextNumber, nextSerial, lastTimeMs);
    }

    public TrackerParams params() {
        return params;
    }

    /** Every live track (tentative ones too), in creation order. */
    public List<Track> tracks() {
        return List.copyOf(tracks);
    }

    /** The number the next confirmed track gets. */
    public long nextNumber() {
        return nextNumber;
    }

    public long nextSerial() {
        return nextSerial;
    }

    /** Capture time of the latest step, {@link Long#MIN_VALUE} before the first. */
    public long lastTimeMs() {
        return lastTimeMs;
    }

    /** One frame's detections at capture time {@code timeMs} (not before the previous step's). */
    public Step step(long timeMs, List<Observation> observations) {
        checkTime(timeMs);
        lastTimeMs = timeMs;
        for (Track t : tracks) {
            t.predictTo(timeMs);
        }
        List<Observation> high = new ArrayList<>();
        List<Observation> low = new ArrayList<>();
        for (Observation o : observations) {
            if (o.score() >= params.highScore()) {
                high.add(o);
            } else if (o.score() >= params.lowScore()) {
                low.add(o);
            }
        }
        List<Track> started = new ArrayList<>();
        List<Track> ended = new ArrayList<>();
        // (1) confirmed and lost tracks × high-score detections
        List<Track> established = new ArrayList<>();
        for (Track t : tracks) {
            if (t.state() == TrackState.CONFIRMED || t.state() == TrackState.LOST) {
                established.add(t);
            }
        }
        boolean[] highUsed = associate(established, high, timeMs, false);
        // (2) confirmed tracks (seen in the previous frame) left unmatched × low-score detections
        List<Track> recent = new ArrayList<>();
        for (Track t : established) {
            if (t.matched() < 0 && t.state() == TrackState.CONFIRMED) {
                recent.add(t);
            }
        }
        associate(recent, low, timeMs, true);
        // (3) tentative tracks × the high-score detections left
        List<Track> tentative = new ArrayList<>();
        for (Track t : tracks) {
            if (t.state() == TrackState.TENTATIVE) {
                tentative.add(t);
            }
        }
        List<Observation> highLeft = new ArrayList<>();
        for (int i = 0; i < high.size(); i++) {
            if (!highUsed[i]) {
                highLeft.add(high.get(i));
            }
        }
        boolean[] leftUsed = associate(tentative, highLeft, timeMs, false);
        // lifecycle
        for (Iterator<Track> it = tracks.iterator(); it.hasNext(); ) {
            Track t = it.next();
            if (t.matched() >= 0) {
                if (t.state() == TrackState.TENTATIVE && t.hits() >= params.confirmHits()) {
                    t.confirm(nextNumber++);
                    started.add(t);
                } else if (t.state() == TrackState.LOST) {
                    t.state(TrackState.CONFIRMED);
                }
                continue;
            }
            t.miss();
            if (t.state() == TrackState.TENTATIVE) {
                if (t.misses() > params.tentativeMaxMisses()) {
                    it.remove();
                }
            } else {
                t.state(TrackState.LOST);
                if (timeMs - t.lastSeenMs() > params.lostTimeoutMs()) {
                    t.end("timeout");
                    ended.add(t);
                    it.remove();
                }
            }
        }
        // new tracks from the high-score detections nothing took
        for (int i = 0; i < highLeft.size(); i++) {
            Observation o = highLeft.get(i);
            if (leftUsed[i] || o.score() < params.newTrackScore() || tracks.size() >= params.maxTracks()
                    || duplicate(o)) {
                continue;
            }
            Track t = new Track(nextSerial++, o, timeMs, params);
            tracks.add(t);
            if (params.confirmHits() <= 1) {
                t.confirm(nextNumber++);
                started.add(t);
            }
        }
        return new Step(started, ended, reported());
    }

    /**
     * Time passes without detections to go by (a frame that was not detected: SKIPPED_STALE, ERROR): nothing is
     * matched or missed, only lost tracks past their timeout end.
     */
    public Step expire(long timeMs) {
        checkTime(timeMs);
        lastTimeMs = timeMs;
        List<Track> ended = new ArrayList<>();
        for (Iterator<Track> it = tracks.iterator(); it.hasNext(); ) {
            Track t = it.next();
            t.predictTo(timeMs);
            if (t.state() != TrackState.TENTATIVE && timeMs - t.lastSeenMs() > params.lostTimeoutMs()) {
                t.end("timeout");
                ended.add(t);
                it.remove();
            } else if (t.state() == TrackState.CONFIRMED) {
                t.state(TrackState.LOST);
            }
        }
        return new Step(List.of(), ended, reported());
    }

    /** Ends every track now (the camera went idle, its session changed): confirmed and lost ones are reported. */
    public Step endAll(String reason) {
        List<Track> ended = new ArrayList<>();
        for (Track t : tracks) {
            if (t.state() != TrackState.TENTATIVE) {
                t.end(reason);
                ended.add(t);
            }
        }
        tracks.clear();
        return new Step(List.of(), ended, List.of());
    }

    private void checkTime(long timeMs) {
        if (timeMs < lastTimeMs) {
            throw new IllegalArgumentException("tracker step at " + timeMs + " ms: expected capture times in order,"
                    + " found one before the previous step's " + lastTimeMs + " ms");
        }
    }

    private List<Track> reported() {
        List<Track> out = new ArrayList<>();
        for (Track t : tracks) {
            if (t.state() == TrackState.CONFIRMED || t.state() == TrackState.LOST) {
                out.add(t);
            }
        }
        return out;
    }

    private boolean duplicate(Observation o) {
        for (Track t : tracks) {
            if (t.matched() >= 0 && t.box().iou(o.box()) > DUPLICATE_IOU) {
                return true;
            }
        }
        return false;
    }

    /**
     * Assigns {@code obs} to {@code ts} (Hungarian on {@link #cost}); matched tracks are updated.
     *
     * @return which observations were taken
     */
    private boolean[] associate(List<Track> ts, List<Observation> obs, long timeMs, boolean lowPass) {
        boolean[] used = new boolean[obs.size()];
        if (ts.isEmpty() || obs.isEmpty()) {
            return used;
        }
        double[][] c = new double[ts.size()][obs.size()];
        for (int i = 0; i < ts.size(); i++) {
            for (int j = 0; j < obs.size(); j++) {
                c[i][j] = cost(ts.get(i), obs.get(j), timeMs, lowPass);
            }
        }
        int[] a = Hungarian.assign(c, 2.0);
        for (int i = 0; i < a.length; i++) {
            if (a[i] >= 0) {
                ts.get(i).hit(obs.get(a[i]), timeMs, params);
                used[a[i]] = true;
            }
        }
        return used;
    }

    /**
     * The cost of matching a track and a detection: {@code 0.5·(1 − IoU) + 0.45·min(1, d) + 0.1·unseen}, with the
     * IoU of the detection and the predicted box, {@code d} the distance of their centres in units of the predicted
     * box's larger side, and {@code unseen} the time since the track was last matched over the lost timeout (so
     * that recently seen tracks win ties). The motion model decides which pairs may match at all: the pair is
     * forbidden (infinite) when the detection's centre is outside the prediction's uncertainty gate (squared
     * Mahalanobis distance above {@code gate}) and it overlaps the prediction less than {@code iouGate}, or when the
     * sizes differ by more than 2×; the low-score pass uses half the gate and needs overlap. The distance in the
     * cost is in pixels, not in units of the uncertainty, so an uncertain (long lost) track does not look cheap.
     */
    double cost(Track t, Observation o, long timeMs, boolean lowPass) {
        Box p = t.box();
        Box b = o.box();
        double rw = b.width() / Math.max(1, p.width());
        double rh = b.height() / Math.max(1, p.height());
        if (rw > 2 || rw < 0.5 || rh > 2 || rh < 0.5) {
            return NO;
        }
        double iou = p.iou(b);
        double d2 = t.filter().centreDistance2(b);
        double gate = lowPass ? params.gate() / 2 : params.gate();
        if (d2 > gate && iou < params.iouGate() || lowPass && iou <= 0) {
            return NO;
        }
        double unseen = Math.min(1, (timeMs - t.lastSeenMs()) / (double) params.lostTimeoutMs());
        double distance = Math.hypot(p.cx() - b.cx(), p.cy() - b.cy()) / t.filter().scale();
        return 0.5 * (1 - iou) + 0.45 * Math.min(1, distance) + 0.1 * unseen;
    }

    /** For tests: the tracks' numbers in creation order. */
    long[] numbers() {
        return tracks.stream().mapToLong(Track::number).toArray();
    }

    @Override
    public String toString() {
        return "Tracker" + Arrays.toString(numbers());
    }
}
