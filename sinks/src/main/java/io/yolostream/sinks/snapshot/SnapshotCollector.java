package io.yolostream.sinks.snapshot;

import io.yolostream.detector.avro.DetectedObject;
import io.yolostream.detector.avro.DetectionStatus;
import io.yolostream.sinks.annotate.FramePair;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The best object (highest score) per camera, label and tumbling window of capture time, with its frame. A window
 * closes once time passes its end + {@code graceMs}; pairs for a closed window are refused (the snapshot is written
 * already). Not thread-safe (one per stream task).
 */
public final class SnapshotCollector {
    private final long windowMs;
    private final long graceMs;
    /** (window start, camera, label) → the best so far; ordered so closing takes a prefix. */
    private final TreeMap<Key, Snapshot> best = new TreeMap<>();
    private long closedBefore = Long.MIN_VALUE;

    record Key(long windowStart, String camera, String label) implements Comparable<Key> {
        @Override
        public int compareTo(Key o) {
            int c = Long.compare(windowStart, o.windowStart);
            if (c == 0) {
                c = camera.compareTo(o.camera);
            }
            return c != 0 ? c : label.compareTo(o.label);
        }
    }

    /** The window's best {@code objectIndex} of the pair's detection. */
    public record Snapshot(String camera, String label, long windowStart, long windowEnd, FramePair pair,
                           int objectIndex) {
        public DetectedObject object() {
            return pair.detection().getObjects().get(objectIndex);
        }
    }

    public SnapshotCollector(long windowMs, long graceMs) {
        this.windowMs = windowMs;
        this.graceMs = graceMs;
    }

    /** Takes the pair's objects into their windows; false when its window has closed already (too late). */
    public boolean offer(FramePair p) {
        if (p.detection().getStatus() != DetectionStatus.OK) {
            return true;
        }
        long t = p.frame().getCaptureTime().toEpochMilli();
        long start = Math.floorDiv(t, windowMs) * windowMs;
        if (start + windowMs + graceMs <= closedBefore) {
            return false;
        }
        List<DetectedObject> objects = p.detection().getObjects();
        for (int i = 0; i < objects.size(); i++) {
            DetectedObject o = objects.get(i);
            Key k = new Key(start, p.frame().getCameraId(), o.getLabel());
            Snapshot s = best.get(k);
            if (s == null || o.getScore() > s.object().getScore()) {
                best.put(k, new Snapshot(k.camera, k.label, start, start + windowMs, p, i));
            }
        }
        return true;
    }

    /** Removes and returns the snapshots of every window that closes by {@code time} (end + grace &lt;= time). */
    public List<Snapshot> close(long time) {
        closedBefore = Math.max(closedBefore, time);
        List<Snapshot> out = new ArrayList<>();
        for (Iterator<Map.Entry<Key, Snapshot>> it = best.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Key, Snapshot> e = it.next();
            if (e.getKey().windowStart + windowMs + graceMs > closedBefore) {
                break;
            }
            out.add(e.getValue());
            it.remove();
        }
        return out;
    }

    /** Removes and returns every snapshot, open windows included (the app is stopping). */
    public List<Snapshot> drain() {
        List<Snapshot> out = new ArrayList<>(best.values());
        best.clear();
        return out;
    }

    public int open() {
        return best.size();
    }

}
