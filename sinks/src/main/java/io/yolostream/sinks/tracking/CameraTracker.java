package io.yolostream.sinks.tracking;

import io.yolostream.detector.avro.DetectedObject;
import io.yolostream.detector.avro.Detection;
import io.yolostream.detector.avro.DetectionStatus;
import io.yolostream.sinks.avro.CameraTracks;
import io.yolostream.sinks.avro.LabelSupportNode;
import io.yolostream.sinks.avro.TrackEvent;
import io.yolostream.sinks.avro.TrackEventKind;
import io.yolostream.sinks.avro.TrackFrame;
import io.yolostream.sinks.avro.TrackObjectState;
import io.yolostream.sinks.avro.TrackedObject;
import io.yolostream.sinks.avro.ZoneKind;
import io.yolostream.sinks.avro.ZoneRef;
import io.yolostream.sinks.track.Box;
import io.yolostream.sinks.track.LabelSupport;
import io.yolostream.sinks.track.Observation;
import io.yolostream.sinks.track.Track;
import io.yolostream.sinks.track.TrackState;
import io.yolostream.sinks.track.Tracker;
import io.yolostream.sinks.zones.ZoneEvent;
import io.yolostream.sinks.zones.ZoneLogic;
import io.yolostream.sinks.zones.ZoneSpec;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One camera's tracking: its {@link Tracker}, the zone logic and the subscription filter, turning each detection
 * record into its {@link TrackFrame} and the {@link TrackEvent}s it caused. Pure (no I/O, no clock): the Kafka
 * Streams processor saves it after every record ({@link #save()}), the offline {@code yolostream track} runs it over
 * a file.
 * <ul>
 * <li>OK records are steps of the tracker; records of another status (SKIPPED_STALE, ERROR) only let time pass
 * (lost tracks may time out), so a gap of skipped frames is one longer step.</li>
 * <li>A record older than the previous one of the camera is not used (its frame lists the tracks as they are).</li>
 * <li>A new session (a camera reconnected, a new replay) ends the tracks of the old one (reason session); numbers
 * continue, so track ids stay unique per camera.</li>
 * <li>A track is reported (tracks topic, events) from the frame its label path first passes the subscription
 * filter; it gets its STARTED event then, and ENTERED for the zones it is already in (at the time it entered).</li>
 * </ul>
 */
public final class CameraTracker {
    private final Tracking tracking;
    private final String camera;
    private String session;
    private long lastSequence;
    private Tracker tracker;

    private CameraTracker(Tracking tracking, String camera, String session, long lastSequence, Tracker tracker) {
        this.tracking = tracking;
        this.camera = camera;
        this.session = session;
        this.lastSequence = lastSequence;
        this.tracker = tracker;
    }

    /** A camera seen for the first time. */
    public static CameraTracker start(Tracking tracking, String camera) {
        return new CameraTracker(tracking, camera, "", -1, new Tracker(tracking.params()));
    }

    /** A camera from its saved state. */
    public static CameraTracker restore(Tracking tracking, CameraTracks saved) {
        return new CameraTracker(tracking, saved.getCameraId(), saved.getSessionId(), saved.getLastSequence(),
                TrackCodec.restore(saved, tracking.params()));
    }

    public CameraTracks save() {
        return TrackCodec.save(camera, session, lastSequence, tracker);
    }

    public String camera() {
        return camera;
    }

    /** Whether some track (tentative ones too) is alive. */
    public boolean hasTracks() {
        return !tracker.tracks().isEmpty();
    }

    /** The frame's tracks and the events, in the order they happened. */
    public record Result(TrackFrame frame, List<TrackEvent> events) {
    }

    public Result step(Detection d, List<ZoneSpec> zones) {
        long t = d.getCaptureTime().toEpochMilli();
        List<TrackEvent> events = new ArrayList<>();
        if (!d.getSessionId().equals(session)) {
            if (!session.isEmpty()) {
                events.addAll(endAll("session", zones));
            }
            session = d.getSessionId();
            tracker = Tracker.restore(tracking.params(), List.of(), tracker.nextNumber(), tracker.nextSerial(),
                    Long.MIN_VALUE);
        }
        String skipped = null;
        Tracker.Step step;
        if (t < tracker.lastTimeMs()) {
            skipped = "captured before the camera's previous frame (" + Instant.ofEpochMilli(tracker.lastTimeMs())
                    + ")";
            step = null;
        } else if (d.getStatus() != DetectionStatus.OK) {
            skipped = "status " + d.getStatus();
            step = tracker.expire(t);
        } else {
            List<DetectedObject> objects = d.getObjects();
            List<Observation> obs = new ArrayList<>(objects.size());
            for (int i = 0; i < objects.size(); i++) {
                DetectedObject o = objects.get(i);
                float w = o.getObjectness() > 0 ? o.getObjectness() : o.getScore();
                obs.add(new Observation(new Box(o.getLeft(), o.getTop(), o.getWidth(), o.getHeight()), o.getScore(),
                        w, tracking.path(o), i));
            }
            step = tracker.step(t, obs);
        }
        lastSequence = Math.max(lastSequence, d.getSequence());
        int width = d.getImageWidth();
        int height = d.getImageHeight();
        List<TrackedObject> listed = new ArrayList<>();
        List<Track> current = step == null ? reported() : step.reported();
        for (Track k : current) {
            List<LabelSupport> path = k.labelPath(tracking.params());
            boolean seen = step != null && k.state() == TrackState.CONFIRMED && k.matched() >= 0;
            Box b = k.box();
            List<String> inZones = new ArrayList<>();
            List<String> crossed = new ArrayList<>();
            List<ZoneEvent> zoneEvents = step == null ? List.of() : ZoneLogic.update(k.zones(), b.cx(), b.bottom(),
                    k.filter().scale(), t, seen, zones, width, height, inZones, crossed);
            if (step == null) {
                inZones.addAll(k.zones().insideSince.keySet());
            }
            if (!k.visible() && tracking.passes(path)) {
                k.visible(true);
                events.add(event(k, TrackEventKind.STARTED, t, null, null, null, null, d.getSequence(), path));
                for (ZoneSpec z : zones) {
                    Long since = k.zones().insideSince.get(z.id());
                    boolean justNow = zoneEvents.stream().anyMatch(e -> e.zone().id().equals(z.id())
                            && e.kind() == ZoneEvent.Kind.ENTERED);
                    if (since != null && !justNow) {
                        events.add(event(k, TrackEventKind.ENTERED, since, z.id(), null, null, null,
                                d.getSequence(), path));
                    }
                }
            }
            if (!k.visible()) {
                continue;
            }
            for (ZoneEvent e : zoneEvents) {
                events.add(event(k, TrackEventKind.valueOf(e.kind().name()), e.timeMs(), e.zone().id(),
                        e.direction(), e.dwellMs(), null, d.getSequence(), path));
            }
            // the all-fields constructor: the builder checks and copies every field (a third of the step's cost)
            listed.add(new TrackedObject(id(k), seen || k.state() == TrackState.CONFIRMED && step == null
                    ? TrackObjectState.CONFIRMED : TrackObjectState.LOST, (float) b.left(), (float) b.top(),
                    (float) b.width(), (float) b.height(), (float) k.filter().vx(), (float) k.filter().vy(),
                    seen ? k.matched() : -1, (float) k.lastScore(), k.hits(), Instant.ofEpochMilli(k.firstSeenMs()),
                    Instant.ofEpochMilli(k.lastSeenMs()), path.isEmpty() ? null : path.get(path.size() - 1).name(),
                    nodes(path), inZones, crossed));
        }
        if (step != null) {
            for (Track k : step.ended()) {
                events.addAll(ended(k, zones, d.getSequence()));
            }
        }
        List<ZoneRef> refs = new ArrayList<>(zones.size());
        for (ZoneSpec z : zones) {
            refs.add(new ZoneRef(z.id(), z.kind() == ZoneKind.LINE ? "line" : "zone"));
        }
        TrackFrame frame = TrackFrame.newBuilder().setCameraId(camera).setSequence(d.getSequence())
                .setCaptureTime(d.getCaptureTime()).setSessionId(d.getSessionId()).setStatus(d.getStatus().name())
                .setSkipped(skipped).setImageWidth(width).setImageHeight(height).setZones(refs).setTracks(listed)
                .build();
        return new Result(frame, events);
    }

    /** Ends every track (the camera went idle, or its session changed): LEFT for the zones they are in, ENDED. */
    public List<TrackEvent> endAll(String reason, List<ZoneSpec> zones) {
        List<TrackEvent> events = new ArrayList<>();
        for (Track k : tracker.endAll(reason).ended()) {
            events.addAll(ended(k, zones, lastSequence));
        }
        return events;
    }

    private List<Track> reported() {
        List<Track> out = new ArrayList<>();
        for (Track k : tracker.tracks()) {
            if (k.state() == TrackState.CONFIRMED || k.state() == TrackState.LOST) {
                out.add(k);
            }
        }
        return out;
    }

    private List<TrackEvent> ended(Track k, List<ZoneSpec> zones, long sequence) {
        List<ZoneEvent> left = ZoneLogic.end(k.zones(), k.lastSeenMs(), zones);
        if (!k.visible()) {
            return List.of();
        }
        List<LabelSupport> path = k.labelPath(tracking.params());
        List<TrackEvent> out = new ArrayList<>();
        for (ZoneEvent e : left) {
            out.add(event(k, TrackEventKind.LEFT, e.timeMs(), e.zone().id(), null, e.dwellMs(), null, sequence,
                    path));
        }
        out.add(event(k, TrackEventKind.ENDED, k.lastSeenMs(), null, null, k.lastSeenMs() - k.firstSeenMs(),
                k.endReason(), sequence, path));
        return out;
    }

    private String id(Track k) {
        return camera + "/" + k.number();
    }

    private TrackEvent event(Track k, TrackEventKind kind, long time, String zone, String direction, Long dwellMs,
                             String reason, long sequence, List<LabelSupport> path) {
        Box b = k.box();
        return TrackEvent.newBuilder().setCameraId(camera).setTrackId(id(k)).setKind(kind)
                .setTime(Instant.ofEpochMilli(time)).setZone(zone).setDirection(direction).setDwellMs(dwellMs)
                .setReason(reason).setLabel(path.isEmpty() ? null : path.get(path.size() - 1).name())
                .setLabelPath(nodes(path)).setLeft((float) b.left()).setTop((float) b.top())
                .setWidth((float) b.width()).setHeight((float) b.height())
                .setStartTime(Instant.ofEpochMilli(k.firstSeenMs())).setSequence(sequence).setSessionId(session)
                .build();
    }

    static List<LabelSupportNode> nodes(List<LabelSupport> path) {
        List<LabelSupportNode> out = new ArrayList<>(path.size());
        for (LabelSupport n : path) {
            out.add(new LabelSupportNode(n.name(), n.wordnetId(), n.labelId(), (float) n.support()));
        }
        return out;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "CameraTracker[%s, %d tracks]", camera, tracker.tracks().size());
    }
}
