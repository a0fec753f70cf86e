package io.yolostream.deploy.track;

import io.yolostream.sinks.track.Observation;
import io.yolostream.sinks.track.Track;
import io.yolostream.sinks.track.TrackState;
import io.yolostream.sinks.track.Tracker;
import io.yolostream.sinks.track.TrackerParams;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The sinks' tracker over a MOTChallenge detection file: frame {@code n} is at capture time {@code (n − 1) / fps};
 * frames without detections are steps too (their objects were missed). Writes, per frame, each confirmed track
 * matched in it with its smoothed box, and each track lost for at most {@code coastMs} with its predicted box (as
 * the {@code tracks} topic reports LOST tracks); the id is the track's number.
 */
public final class MotTracking {
    private MotTracking() {
    }

    /** How long a lost track is still written by default (its predicted box). */
    public static final long DEFAULT_COAST_MS = 500;

    public static List<MotRow> track(List<MotRow> detections, double fps, int lastFrame, TrackerParams params) {
        return track(detections, fps, lastFrame, params, DEFAULT_COAST_MS);
    }

    /**
     * @param lastFrame the last frame of the sequence (≥ the last frame with detections), so that trailing empty
     *                  frames count
     * @param coastMs   lost tracks are written (predicted) while lost at most this long; 0 = only matched ones
     */
    public static List<MotRow> track(List<MotRow> detections, double fps, int lastFrame, TrackerParams params,
                                     long coastMs) {
        if (!(fps > 0)) {
            throw new TrackFileException("fps: expected a frame rate above 0, found " + fps);
        }
        TreeMap<Integer, List<MotRow>> frames = MotFile.byFrame(detections);
        int last = Math.max(lastFrame, frames.isEmpty() ? 0 : frames.lastKey());
        Tracker tracker = new Tracker(params);
        List<MotRow> out = new ArrayList<>();
        for (int f = 1; f <= last; f++) {
            List<MotRow> rows = frames.getOrDefault(f, List.of());
            List<Observation> obs = new ArrayList<>(rows.size());
            for (int i = 0; i < rows.size(); i++) {
                MotRow r = rows.get(i);
                obs.add(new Observation(r.box(), r.conf(), 0, List.of(), i));
            }
            long timeMs = Math.round((f - 1) * 1000.0 / fps);
            Tracker.Step step = tracker.step(timeMs, obs);
            for (Track t : step.reported()) {
                boolean seen = t.state() == TrackState.CONFIRMED && t.matched() >= 0;
                if (seen || t.state() == TrackState.LOST && timeMs - t.lastSeenMs() <= coastMs) {
                    out.add(new MotRow(f, Long.toString(t.number()), t.box(), t.lastScore()));
                }
            }
        }
        return out;
    }

    /** Per-frame counts, for a summary. */
    public static Map<String, Long> ids(List<MotRow> rows) {
        Map<String, Long> m = new TreeMap<>();
        rows.forEach(r -> m.merge(r.id(), 1L, Long::sum));
        return m;
    }
}
