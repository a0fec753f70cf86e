package io.yolostream.sinks.web;

import io.yolostream.detector.avro.DetectedObject;
import io.yolostream.detector.avro.Detection;
import io.yolostream.ingest.avro.Frame;
import io.yolostream.sinks.annotate.FrameAnnotator;
import io.yolostream.sinks.annotate.Overlay;
import io.yolostream.sinks.avro.TrackEvent;
import io.yolostream.sinks.tracking.TrackingOutput;
import io.yolostream.sinks.annotate.Watchers;
import io.yolostream.sinks.avro.RoutedPathNode;
import io.yolostream.sinks.hierarchy.Hierarchy;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the web page shows, in memory, fed by the topology of this process: the latest annotated frame of each
 * camera (streams wait on it), and per camera its last detection record and its most recent objects with their
 * WordTree paths. It holds the cameras whose partitions this instance processes; with several sinks instances each
 * page shows its own share (see the README).
 */
public final class LiveView {
    /** Objects kept per camera for the table. */
    static final int RECENT = 50;

    private final Hierarchy hierarchy;
    private final Watchers watchers;
    private final Map<String, Camera> cameras = new ConcurrentHashMap<>();
    private final AtomicInteger viewers = new AtomicInteger();
    private final TrackView tracks = new TrackView();

    /** The latest annotated JPEG of a camera; {@code version} counts up with every new one. */
    public record Latest(byte[] jpeg, long sequence, long captureTime, long version) {
    }

    /** One row of the table. */
    public record Row(long sequence, long captureTime, String label, float score, List<String> path,
                      List<Float> box, String colour) {
    }

    private static final class Camera {
        private Latest latest;
        private final Deque<Row> recent = new ArrayDeque<>();
        private Detection last;
        private long lastSeenMs;
    }

    public LiveView(Hierarchy hierarchy, Watchers watchers) {
        this.hierarchy = hierarchy;
        this.watchers = watchers;
    }

    public Watchers watchers() {
        return watchers;
    }

    /** An annotated frame: the camera's latest now; wakes its streams. */
    public void frame(Frame f) {
        Camera c = camera(f.getCameraId());
        ByteBuffer b = f.getImage().duplicate();
        byte[] jpeg = new byte[b.remaining()];
        b.get(jpeg);
        synchronized (c) {
            long v = c.latest == null ? 1 : c.latest.version + 1;
            c.latest = new Latest(jpeg, f.getSequence(), f.getCaptureTime().toEpochMilli(), v);
            c.notifyAll();
        }
    }

    /** A detection record (any status): the camera's last record, its objects onto the table. */
    public void detection(Detection d) {
        Camera c = camera(d.getCameraId());
        List<Row> rows = new ArrayList<>();
        // best last: the table is newest first, and within a frame best first
        List<DetectedObject> objects = d.getObjects().stream()
                .sorted(java.util.Comparator.comparingDouble(DetectedObject::getScore)).toList();
        for (DetectedObject o : objects.subList(Math.max(0, objects.size() - RECENT), objects.size())) {
            List<RoutedPathNode> nodes = hierarchy.pathOf(o);
            List<String> path = new ArrayList<>();
            for (RoutedPathNode p : nodes) {
                path.add(p.getName());
            }
            rows.add(new Row(d.getSequence(), d.getCaptureTime().toEpochMilli(), o.getLabel(), o.getScore(), path,
                    List.of(o.getLeft(), o.getTop(), o.getWidth(), o.getHeight()), cssColour(nodes)));
        }
        synchronized (c) {
            c.last = d;
            c.lastSeenMs = System.currentTimeMillis();
            for (Row r : rows) {
                c.recent.addFirst(r);
            }
            while (c.recent.size() > RECENT) {
                c.recent.removeLast();
            }
        }
    }

    /** A frame's tracks or an event, from the tracking processor of this process. */
    public void tracking(TrackingOutput o) {
        tracks.accept(o);
    }

    /** The zones, lines and tracks to draw on frame {@code sequence} of the camera. */
    public Overlay overlay(String camera, long sequence) {
        return tracks.overlay(camera, sequence);
    }

    /** The camera's recent track events as the page shows them, newest first. */
    public List<Map<String, Object>> events(String camera) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (TrackEvent e : tracks.events(camera)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("time", e.getTime().toEpochMilli());
            m.put("kind", e.getKind().name());
            m.put("trackId", e.getTrackId());
            m.put("label", e.getLabel());
            m.put("zone", e.getZone());
            m.put("direction", e.getDirection());
            m.put("dwellMs", e.getDwellMs());
            m.put("reason", e.getReason());
            out.add(m);
        }
        return out;
    }

    private Camera camera(String id) {
        return cameras.computeIfAbsent(id, k -> new Camera());
    }

    public Set<String> cameras() {
        return new TreeSet<>(cameras.keySet());
    }

    public boolean knows(String camera) {
        return cameras.containsKey(camera);
    }

    /** The camera's latest annotated frame, or null. */
    public Latest latest(String camera) {
        Camera c = cameras.get(camera);
        if (c == null) {
            return null;
        }
        synchronized (c) {
            return c.latest;
        }
    }

    /**
     * Waits up to {@code timeoutMs} for a frame newer than {@code version}; the latest (maybe not newer) or null
     * (also for a camera not seen yet).
     */
    public Latest awaitNewer(String camera, long version, long timeoutMs) throws InterruptedException {
        Camera c = cameras.get(camera);
        if (c == null) {
            Thread.sleep(timeoutMs);
            return null;
        }
        long deadline = System.currentTimeMillis() + timeoutMs;
        synchronized (c) {
            while ((c.latest == null || c.latest.version <= version)) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    break;
                }
                c.wait(left);
            }
            return c.latest;
        }
    }

    /** Newest first. */
    public List<Row> recent(String camera) {
        Camera c = cameras.get(camera);
        if (c == null) {
            return List.of();
        }
        synchronized (c) {
            return List.copyOf(c.recent);
        }
    }

    /** The camera's last record in brief (status, sequence, when), for the camera list. */
    public Map<String, Object> summary(String camera) {
        Map<String, Object> m = new LinkedHashMap<>();
        Camera c = cameras.get(camera);
        if (c == null) {
            return m;
        }
        synchronized (c) {
            if (c.last != null) {
                m.put("lastStatus", c.last.getStatus().name());
                m.put("lastSequence", c.last.getSequence());
                m.put("lastCaptureTime", c.last.getCaptureTime().toEpochMilli());
                m.put("lastObjects", c.last.getObjects().size());
                m.put("modelId", c.last.getModelId());
                m.put("secondsSinceLast", (System.currentTimeMillis() - c.lastSeenMs) / 1000.0);
            }
            m.put("annotatedFrames", c.latest == null ? 0 : c.latest.version);
        }
        m.putAll(tracks.summary(camera));
        return m;
    }

    /** Streams open now (a gauge). */
    public int viewers() {
        return viewers.get();
    }

    void viewerOpened() {
        viewers.incrementAndGet();
    }

    void viewerClosed() {
        viewers.decrementAndGet();
    }

    /** The colour the annotator gives this path, as CSS hex (the table uses the same colours as the boxes). */
    public static String cssColour(List<RoutedPathNode> path) {
        java.awt.Color c = FrameAnnotator.colour(path);
        return String.format("#%02x%02x%02x", c.getRed(), c.getGreen(), c.getBlue());
    }
}
