package io.yolostream.sinks.web;

import io.yolostream.sinks.annotate.Overlay;
import io.yolostream.sinks.avro.TrackEvent;
import io.yolostream.sinks.avro.TrackFrame;
import io.yolostream.sinks.avro.TrackObjectState;
import io.yolostream.sinks.avro.TrackedObject;
import io.yolostream.sinks.tracking.TrackingOutput;
import io.yolostream.sinks.zones.Point;
import io.yolostream.sinks.zones.ZoneSpec;
import io.yolostream.sinks.avro.ZoneKind;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The live view's memory of tracking, per camera: the tracks of its recent frames (by sequence, so an annotated
 * frame gets the tracks of its own frame), a short trail per track, its zones and lines, and its recent events.
 * Bounded: {@value #FRAMES} frames, {@value #TRAIL} points per trail, {@value #EVENTS} events per camera.
 */
final class TrackView {
    static final int FRAMES = 64;
    static final int TRAIL = 24;
    static final int EVENTS = 50;

    private static final class Camera {
        private final LinkedHashMap<Long, TrackFrame> frames = new LinkedHashMap<>();
        private final Map<String, Deque<double[]>> trails = new HashMap<>();
        private final Map<Long, Map<String, List<double[]>>> trailsAt = new HashMap<>();
        private final Deque<TrackEvent> events = new ArrayDeque<>();
        private List<ZoneSpec> zones = List.of();
    }

    private final Map<String, Camera> cameras = new ConcurrentHashMap<>();

    void accept(TrackingOutput o) {
        if (o.frame() != null) {
            frame(o.frame(), o.zones());
        } else if (o.event() != null) {
            Camera c = cameras.computeIfAbsent(o.event().getCameraId(), k -> new Camera());
            synchronized (c) {
                c.events.addFirst(o.event());
                while (c.events.size() > EVENTS) {
                    c.events.removeLast();
                }
            }
        }
    }

    private void frame(TrackFrame f, List<ZoneSpec> zones) {
        Camera c = cameras.computeIfAbsent(f.getCameraId(), k -> new Camera());
        synchronized (c) {
            c.zones = zones;
            Map<String, List<double[]>> now = new HashMap<>();
            for (TrackedObject t : f.getTracks()) {
                Deque<double[]> trail = c.trails.computeIfAbsent(t.getTrackId(), k -> new ArrayDeque<>());
                trail.addLast(new double[]{t.getLeft() + t.getWidth() / 2.0, t.getTop() + t.getHeight()});
                while (trail.size() > TRAIL) {
                    trail.removeFirst();
                }
                now.put(t.getTrackId(), List.copyOf(trail));
            }
            c.trails.keySet().retainAll(now.keySet());
            c.frames.put(f.getSequence(), f);
            c.trailsAt.put(f.getSequence(), now);
            while (c.frames.size() > FRAMES) {
                Long oldest = c.frames.keySet().iterator().next();
                c.frames.remove(oldest);
                c.trailsAt.remove(oldest);
            }
        }
    }

    /** What to draw on frame {@code sequence} of the camera (nothing when its tracks are not known). */
    Overlay overlay(String camera, long sequence) {
        Camera c = cameras.get(camera);
        if (c == null) {
            return Overlay.NONE;
        }
        synchronized (c) {
            TrackFrame f = c.frames.get(sequence);
            if (f == null) {
                return Overlay.NONE;
            }
            List<Overlay.Shape> shapes = new ArrayList<>();
            for (ZoneSpec z : c.zones) {
                List<Point> px = z.pixels(f.getImageWidth(), f.getImageHeight());
                if (px != null) {
                    shapes.add(new Overlay.Shape(z.name() != null ? z.name() : z.id(),
                            px.stream().map(p -> new double[]{p.x(), p.y()}).toList(), z.kind() == ZoneKind.LINE));
                }
            }
            List<Overlay.Mark> marks = new ArrayList<>();
            Map<String, List<double[]>> trails = c.trailsAt.getOrDefault(sequence, Map.of());
            for (TrackedObject t : f.getTracks()) {
                String number = t.getTrackId().substring(t.getTrackId().lastIndexOf('/') + 1);
                marks.add(new Overlay.Mark("#" + number + (t.getLabel() == null ? "" : " " + t.getLabel()),
                        t.getLeft(), t.getTop(), t.getWidth(), t.getHeight(),
                        trails.getOrDefault(t.getTrackId(), List.of()), t.getState() == TrackObjectState.LOST,
                        t.getTrackId()));
            }
            return new Overlay(shapes, marks);
        }
    }

    /** Newest first. */
    List<TrackEvent> events(String camera) {
        Camera c = cameras.get(camera);
        if (c == null) {
            return List.of();
        }
        synchronized (c) {
            return List.copyOf(c.events);
        }
    }

    /** The camera's latest frame's tracks in brief, and its zones. */
    Map<String, Object> summary(String camera) {
        Map<String, Object> m = new LinkedHashMap<>();
        Camera c = cameras.get(camera);
        if (c == null) {
            return m;
        }
        synchronized (c) {
            TrackFrame last = null;
            for (TrackFrame f : c.frames.values()) {
                last = f;
            }
            m.put("tracks", last == null ? 0 : last.getTracks().size());
            m.put("zoneIds", c.zones.stream().map(ZoneSpec::id).toList());
        }
        return m;
    }
}
