package io.yolostream.sinks.tracking;

import io.yolostream.sinks.avro.CameraTracks;
import io.yolostream.sinks.avro.SavedNode;
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

/**
 * A camera's tracker to and from its record in the state store (every field the next step needs). The WordTree nodes
 * the tracks have evidence for are stored once per camera (tracks of the same kind share their paths); each track
 * keeps indices into that table and its sums.
 */
final class TrackCodec {
    private TrackCodec() {
    }

    static CameraTracks save(String camera, String session, long lastSequence, Tracker t) {
        List<SavedNode> nodes = new ArrayList<>();
        Map<String, Integer> index = new HashMap<>();
        List<SavedTrack> tracks = new ArrayList<>();
        for (Track k : t.tracks()) {
            List<TrackLabel.Evidence> evidence = k.label().evidence();
            // parents come before children in a track's evidence (a path is added root first)
            List<Integer> ids = new ArrayList<>(evidence.size());
            List<Double> sums = new ArrayList<>(evidence.size());
            for (TrackLabel.Evidence e : evidence) {
                Integer i = index.get(e.key());
                if (i == null) {
                    Integer parent = e.parentKey() == null ? null : index.get(e.parentKey());
                    i = nodes.size();
                    nodes.add(new SavedNode(e.key(), e.name(), e.wordnetId(), e.labelId(), parent == null ? -1 : parent,
                            e.depth()));
                    index.put(e.key(), i);
                }
                ids.add(i);
                sums.add(e.sum());
            }
            String current = k.label().currentKey();
            Box b = k.lastBox();
            tracks.add(new SavedTrack(k.number(), k.serial(), k.state().name(), boxed(k.filter().state()),
                    boxed(k.filter().covariance()), k.filterTimeMs(), k.hits(), k.misses(), k.firstSeenMs(),
                    k.lastSeenMs(), k.lastScore(), List.of(b.left(), b.top(), b.width(), b.height()), k.visible(),
                    k.label().weightSum(), current == null ? -1 : index.get(current), ids, sums,
                    new HashMap<>(k.zones().insideSince), new HashMap<>(k.zones().lineSide),
                    new ArrayList<>(k.zones().dwellReported)));
        }
        return new CameraTracks(camera, session, t.lastTimeMs(), lastSequence, t.nextNumber(), t.nextSerial(), nodes,
                tracks);
    }

    static Tracker restore(CameraTracks c, TrackerParams params) {
        List<SavedNode> nodes = c.getNodes();
        List<Track> tracks = new ArrayList<>();
        for (SavedTrack s : c.getTracks()) {
            List<TrackLabel.Evidence> ev = new ArrayList<>();
            for (int j = 0; j < s.getLabelNodes().size(); j++) {
                SavedNode n = nodes.get(s.getLabelNodes().get(j));
                ev.add(new TrackLabel.Evidence(n.getKey(), n.getName(), n.getWordnetId(), n.getLabelId(),
                        n.getParent() < 0 ? null : nodes.get(n.getParent()).getKey(), n.getDepth(),
                        s.getLabelSums().get(j)));
            }
            ZoneMemory zones = new ZoneMemory();
            zones.insideSince.putAll(s.getInsideSince());
            zones.lineSide.putAll(s.getLineSide());
            zones.dwellReported.addAll(s.getDwellReported());
            List<Double> b = s.getLastBox();
            String current = s.getLabelCurrent() < 0 ? null : nodes.get(s.getLabelCurrent()).getKey();
            tracks.add(Track.restore(s.getNumber(), s.getSerial(), TrackState.valueOf(s.getState()),
                    MotionFilter.restore(unboxed(s.getFilterState()), unboxed(s.getFilterCovariance())),
                    s.getFilterTime(), s.getHits(), s.getMisses(), s.getFirstSeen(), s.getLastSeen(),
                    s.getLastScore(), new Box(b.get(0), b.get(1), b.get(2), b.get(3)),
                    TrackLabel.restore(ev, s.getLabelWeight(), current), zones, s.getVisible()));
        }
        return Tracker.restore(params, tracks, c.getNextNumber(), c.getNextSerial(), c.getLastTime());
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
