package io.yolostream.sinks.tracking;

import io.yolostream.sinks.avro.CameraTracks;
import io.yolostream.sinks.avro.SavedEvidence;
import io.yolostream.sinks.avro.SavedTrack;
import io.yolostream.sinks.track.Box;
import io.yolostream.sinks.track.MotionFilter;
import io.yolostream.sinks.track.Track;
import io.yolostream.sinks.track.TrackLabel;
import io.yolostream.sinks.track.TrackState;
import io.yolostream.sinks.track.Tracker;
import io.yolostream.sinks.track.TrackerParams;
import io.yolostream.sinks.track.ZoneMemory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A camera's tracker to and from its record in the state store (every field that the next step needs). */
final class TrackCodec {
    private TrackCodec() {
    }

    static CameraTracks save(String camera, String session, long lastSequence, Tracker t) {
        List<SavedTrack> tracks = new ArrayList<>();
        for (Track k : t.tracks()) {
            List<SavedEvidence> ev = new ArrayList<>();
            for (TrackLabel.Evidence e : k.label().evidence()) {
                ev.add(new SavedEvidence(e.key(), e.name(), e.wordnetId(), e.labelId(), e.parentKey(), e.depth(),
                        e.sum()));
            }
            Box b = k.lastBox();
            tracks.add(SavedTrack.newBuilder().setNumber(k.number()).setSerial(k.serial()).setState(k.state().name())
                    .setFilterState(boxed(k.filter().state())).setFilterCovariance(boxed(k.filter().covariance()))
                    .setFilterTime(k.filterTimeMs()).setHits(k.hits()).setMisses(k.misses())
                    .setFirstSeen(k.firstSeenMs()).setLastSeen(k.lastSeenMs()).setLastScore(k.lastScore())
                    .setLastBox(List.of(b.left(), b.top(), b.width(), b.height())).setVisible(k.visible())
                    .setLabelWeight(k.label().weightSum()).setLabelCurrent(k.label().currentKey())
                    .setLabelEvidence(ev).setInsideSince(new HashMap<>(k.zones().insideSince))
                    .setLineSide(new HashMap<>(k.zones().lineSide))
                    .setDwellReported(new ArrayList<>(k.zones().dwellReported)).build());
        }
        return new CameraTracks(camera, session, t.lastTimeMs(), lastSequence, t.nextNumber(), t.nextSerial(),
                tracks);
    }

    static Tracker restore(CameraTracks c, TrackerParams params) {
        List<Track> tracks = new ArrayList<>();
        for (SavedTrack s : c.getTracks()) {
            List<TrackLabel.Evidence> ev = new ArrayList<>();
            for (SavedEvidence e : s.getLabelEvidence()) {
                ev.add(new TrackLabel.Evidence(e.getKey(), e.getName(), e.getWordnetId(), e.getLabelId(),
                        e.getParentKey(), e.getDepth(), e.getSum()));
            }
            ZoneMemory zones = new ZoneMemory();
            zones.insideSince.putAll(strings(s.getInsideSince()));
            zones.lineSide.putAll(strings(s.getLineSide()));
            s.getDwellReported().forEach(zones.dwellReported::add);
            List<Double> b = s.getLastBox();
            tracks.add(Track.restore(s.getNumber(), s.getSerial(), TrackState.valueOf(s.getState()),
                    MotionFilter.restore(unboxed(s.getFilterState()), unboxed(s.getFilterCovariance())),
                    s.getFilterTime(), s.getHits(), s.getMisses(), s.getFirstSeen(), s.getLastSeen(),
                    s.getLastScore(), new Box(b.get(0), b.get(1), b.get(2), b.get(3)),
                    TrackLabel.restore(ev, s.getLabelWeight(), s.getLabelCurrent()), zones, s.getVisible()));
        }
        return Tracker.restore(params, tracks, c.getNextNumber(), c.getNextSerial(), c.getLastTime());
    }

    /** Avro maps may come back with Utf8 keys when read generically; the generated classes give Strings. */
    private static <V> Map<String, V> strings(Map<? extends CharSequence, V> m) {
        Map<String, V> out = new HashMap<>();
        m.forEach((k, v) -> out.put(k.toString(), v));
        return out;
    }

    private static List<Double> boxed(double[] a) {
        List<Double> out = new ArrayList<>(a.length);
        for (double v : a) {
            out.add(v);
        }
        return out;
    }

    private static double[] unboxed(List<Double> l) {
        double[] out = new double[l.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = l.get(i);
        }
        return out;
    }
}
