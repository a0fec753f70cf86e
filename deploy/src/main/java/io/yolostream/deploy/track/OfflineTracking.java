package io.yolostream.deploy.track;

import io.yolostream.detector.avro.DetectedObject;
import io.yolostream.detector.avro.Detection;
import io.yolostream.detector.avro.DetectionStatus;
import io.yolostream.detector.avro.FrameSource;
import io.yolostream.detector.avro.Timings;
import io.yolostream.sinks.avro.TrackEvent;
import io.yolostream.sinks.avro.TrackFrame;
import io.yolostream.sinks.avro.TrackObjectState;
import io.yolostream.sinks.avro.TrackedObject;
import io.yolostream.sinks.track.Box;
import io.yolostream.sinks.tracking.CameraTracker;
import io.yolostream.sinks.tracking.Tracking;
import io.yolostream.sinks.zones.ZoneSpec;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The sinks' tracking ({@link CameraTracker}: tracker, labels, zones, events) over detection records read from a
 * file, in file order, one tracker per camera; at the end of the input every camera's tracks end (reason
 * {@code end}). The same code the Kafka Streams processor runs per record.
 */
public final class OfflineTracking {
    /** How long a lost track is still written to MOTChallenge output by default (its predicted box). */
    public static final long DEFAULT_COAST_MS = 500;

    /** Every frame's tracks and events, and the events of the end of the input. */
    public record Run(List<CameraTracker.Result> frames, List<TrackEvent> endEvents) {
        public List<TrackEvent> events() {
            List<TrackEvent> all = new ArrayList<>();
            frames.forEach(f -> all.addAll(f.events()));
            all.addAll(endEvents);
            return all;
        }
    }

    private OfflineTracking() {
    }

    public static Run run(List<Detection> records, Tracking tracking, List<ZoneSpec> zones) {
        Map<String, CameraTracker> cameras = new LinkedHashMap<>();
        Map<String, List<ZoneSpec>> zonesOf = new TreeMap<>();
        for (ZoneSpec z : zones) {
            zonesOf.computeIfAbsent(z.camera(), k -> new ArrayList<>()).add(z);
        }
        List<CameraTracker.Result> out = new ArrayList<>(records.size());
        for (Detection d : records) {
            CameraTracker t = cameras.computeIfAbsent(d.getCameraId(), c -> CameraTracker.start(tracking, c));
            out.add(t.step(d, zonesOf.getOrDefault(d.getCameraId(), List.of())));
        }
        List<TrackEvent> end = new ArrayList<>();
        cameras.forEach((c, t) -> end.addAll(t.endAll("end", zonesOf.getOrDefault(c, List.of()))));
        return new Run(out, end);
    }

    /**
     * MOTChallenge detections as detection records of one camera: frame {@code n} (from 1) captured at
     * {@code (n − 1) / fps}, every frame up to {@code lastFrame} (frames without detections too: their objects were
     * missed), sequence = frame number.
     */
    public static List<Detection> fromMot(List<MotRow> rows, double fps, int lastFrame, String camera) {
        if (!(fps > 0)) {
            throw new TrackFileException("fps: expected a frame rate above 0, found " + fps);
        }
        TreeMap<Integer, List<MotRow>> frames = MotFile.byFrame(rows);
        int last = Math.max(lastFrame, frames.isEmpty() ? 0 : frames.lastKey());
        List<Detection> out = new ArrayList<>(last);
        for (int f = 1; f <= last; f++) {
            List<DetectedObject> objects = new ArrayList<>();
            for (MotRow r : frames.getOrDefault(f, List.of())) {
                Box b = r.box();
                float conf = (float) r.conf();
                objects.add(new DetectedObject((float) b.left(), (float) b.top(), (float) b.width(),
                        (float) b.height(), conf, "object", -1, conf, List.of()));
            }
            long t = Math.round((f - 1) * 1000.0 / fps);
            out.add(Detection.newBuilder().setCameraId(camera).setSequence(f).setCaptureTime(Instant.ofEpochMilli(t))
                    .setDetectTime(Instant.ofEpochMilli(t)).setSource(FrameSource.REPLAY).setSessionId("offline")
                    .setStatus(DetectionStatus.OK).setReason(null).setModelId("").setInputWidth(0).setInputHeight(0)
                    .setBatchSize(0).setImageWidth(0).setImageHeight(0).setObjects(objects)
                    .setTimings(new Timings(0f, 0f, 0f, 0f, 0f)).setFramePartition(0).setFrameOffset(f).build());
        }
        return out;
    }

    /**
     * MOTChallenge tracks of one camera's frames: per frame (numbered from 1 in input order), each track matched in
     * it with its smoothed box, and each track lost for at most {@code coastMs} with its predicted box (as the
     * tracks topic lists LOST tracks); the id is the track's number.
     */
    public static List<MotRow> toMot(List<CameraTracker.Result> frames, long coastMs) {
        List<MotRow> out = new ArrayList<>();
        String camera = null;
        int n = 0;
        for (CameraTracker.Result r : frames) {
            TrackFrame f = r.frame();
            if (camera == null) {
                camera = f.getCameraId();
            } else if (!camera.equals(f.getCameraId())) {
                throw new TrackFileException("MOTChallenge output: expected the frames of one camera, found "
                        + camera + " and " + f.getCameraId());
            }
            n++;
            long t = f.getCaptureTime().toEpochMilli();
            for (TrackedObject o : f.getTracks()) {
                boolean seen = o.getState() == TrackObjectState.CONFIRMED && o.getObjectIndex() >= 0;
                if (seen || o.getState() == TrackObjectState.LOST && t - o.getLastSeenTime().toEpochMilli() <= coastMs) {
                    String id = o.getTrackId().substring(o.getTrackId().lastIndexOf('/') + 1);
                    out.add(new MotRow(n, id, new Box(o.getLeft(), o.getTop(), o.getWidth(), o.getHeight()),
                            o.getScore()));
                }
            }
        }
        return out;
    }
}
