package io.yolostream.deploy.track;

import io.yolostream.detector.avro.DetectedObject;
import io.yolostream.detector.avro.Detection;
import io.yolostream.detector.avro.DetectionStatus;
import io.yolostream.detector.avro.FrameSource;
import io.yolostream.detector.avro.PathNode;
import io.yolostream.detector.avro.Timings;
import io.yolostream.sinks.avro.CameraTracks;
import io.yolostream.sinks.avro.ZoneCoordinates;
import io.yolostream.sinks.avro.ZoneKind;
import io.yolostream.sinks.common.AvroSerde;
import io.yolostream.sinks.common.SinksSerdes;
import io.yolostream.sinks.hierarchy.Hierarchy;
import io.yolostream.sinks.track.Box;
import io.yolostream.sinks.track.Observation;
import io.yolostream.sinks.track.Tracker;
import io.yolostream.sinks.track.TrackerParams;
import io.yolostream.sinks.tracking.CameraTracker;
import io.yolostream.sinks.tracking.Tracking;
import io.yolostream.sinks.zones.Point;
import io.yolostream.sinks.zones.ZoneSpec;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The per-frame cost of tracking one camera, measured on the calling thread as its CPU time (so that other processes
 * competing for the cores do not count; a benchmark, not a test: it reports numbers). A synthetic stream: N objects moving at 20–150 px/s through 1280×720 (wrapping around), 5 frames/s,
 * 3% jitter, 10% missed, 2 false positives per frame, each object with a 15-node path.
 */
public final class TrackCost {
    static final int DEPTH = 15;

    /** One part's cost per frame in microseconds. */
    public record Row(String part, double meanUs, double p50Us, double p99Us, double maxUs) {
    }

    private TrackCost() {
    }

    public static List<Row> measure(int objects, int frames, int zoneCount) {
        List<Detection> stream = stream(objects, 2 * frames, 11);
        List<ZoneSpec> zones = zones(zoneCount);
        Tracking tracking = new Tracking(TrackerParams.DEFAULTS, Hierarchy.FLAT, List.of(), Long.MAX_VALUE);
        List<Row> rows = new ArrayList<>();

        // the tracker alone: the same observations as the step below builds
        List<List<Observation>> obs = new ArrayList<>();
        for (Detection d : stream) {
            List<Observation> o = new ArrayList<>();
            for (int i = 0; i < d.getObjects().size(); i++) {
                DetectedObject x = d.getObjects().get(i);
                o.add(new Observation(new Box(x.getLeft(), x.getTop(), x.getWidth(), x.getHeight()), x.getScore(),
                        x.getObjectness(), tracking.path(x), i));
            }
            obs.add(o);
        }
        Tracker tracker = new Tracker(TrackerParams.DEFAULTS);
        long[] t1 = new long[frames];
        for (int k = 0; k < 2 * frames; k++) {
            long s = cpu();
            tracker.step(stream.get(k).getCaptureTime().toEpochMilli(), obs.get(k));
            long e = cpu();
            if (k >= frames) {
                t1[k - frames] = e - s;
            }
        }
        rows.add(row("tracker (Kalman, Hungarian, lifecycle, labels)", t1));

        CameraTracker cam = CameraTracker.start(tracking, "bench");
        long[] t2 = new long[frames];
        long[] t3 = new long[frames];
        long[] t4 = new long[frames];
        AvroSerde<CameraTracks> serde = SinksSerdes.cameraTracks();
        for (int k = 0; k < 2 * frames; k++) {
            long s = cpu();
            cam.step(stream.get(k), zones);
            long e = cpu();
            // the processor saves the camera's state after every record (the store's put serializes it)
            byte[] bytes = serde.serializer().serialize("t", cam.save());
            long f = cpu();
            // what a restart or a rebalance costs once per camera: its first record reads the state back
            CameraTracker.restore(tracking, serde.deserializer().deserialize("t", bytes));
            long g = cpu();
            if (k >= frames) {
                t2[k - frames] = e - s;
                t3[k - frames] = f - e;
                t4[k - frames] = g - f;
            }
        }
        rows.add(row("sinks step (+ zones, events, tracks record)", t2));
        rows.add(row("state save (+ Avro encode), every record", t3));
        long[] sum = new long[frames];
        for (int i = 0; i < frames; i++) {
            sum[i] = t2[i] + t3[i];
        }
        rows.add(row("processor per record (step + save)", sum));
        rows.add(row("state restore (decode), once per camera after a restart", t4));
        return rows;
    }

    private static final java.lang.management.ThreadMXBean THREADS =
            java.lang.management.ManagementFactory.getThreadMXBean();

    /** This thread's CPU time, ns (wall time where the JVM cannot tell). */
    private static long cpu() {
        return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
    }

    private static Row row(String part, long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        double mean = Arrays.stream(s).average().orElse(0) / 1000.0;
        return new Row(part, mean, s[s.length / 2] / 1000.0, s[(int) Math.min(s.length - 1, s.length * 0.99)] / 1000.0,
                s[s.length - 1] / 1000.0);
    }

    private static List<ZoneSpec> zones(int n) {
        List<ZoneSpec> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double x = 100 + 250 * (i % 5);
            if (i % 2 == 0) {
                out.add(new ZoneSpec("bench", "zone" + i, ZoneKind.ZONE, null, ZoneCoordinates.PIXEL, List.of(
                        new Point(x, 100), new Point(x + 200, 100), new Point(x + 200, 600), new Point(x, 600)),
                        60_000L));
            } else {
                out.add(new ZoneSpec("bench", "line" + i, ZoneKind.LINE, null, ZoneCoordinates.PIXEL, List.of(
                        new Point(x, 0), new Point(x, 720)), null));
            }
        }
        return out;
    }

    static List<Detection> stream(int objects, int frames, long seed) {
        Random r = new Random(seed);
        double[][] o = new double[objects][6]; // cx, cy, vx, vy, w, h
        for (double[] x : o) {
            x[0] = r.nextDouble() * 1280;
            x[1] = 60 + r.nextDouble() * 600;
            double speed = 20 + r.nextDouble() * 130;
            double a = r.nextDouble() * 2 * Math.PI;
            x[2] = speed * Math.cos(a);
            x[3] = speed * Math.sin(a);
            x[4] = 25 + r.nextDouble() * 50;
            x[5] = x[4] * (1 + r.nextDouble() * 1.5);
        }
        List<PathNode> path = new ArrayList<>();
        for (int d = 0; d < DEPTH; d++) {
            path.add(new PathNode("node-" + d, -1, 0.95f, 0.9f));
        }
        List<Detection> out = new ArrayList<>(frames);
        for (int k = 0; k < frames; k++) {
            List<DetectedObject> dets = new ArrayList<>();
            for (double[] x : o) {
                x[0] = (x[0] + x[2] * 0.2 + 1280) % 1280;
                x[1] = 60 + ((x[1] - 60 + x[3] * 0.2 + 600) % 600);
                if (r.nextDouble() < 0.1) {
                    continue;
                }
                double w = x[4] * (1 + 0.03 * r.nextGaussian());
                double h = x[5] * (1 + 0.03 * r.nextGaussian());
                dets.add(new DetectedObject((float) (x[0] - w / 2 + 0.03 * w * r.nextGaussian()),
                        (float) (x[1] - h / 2 + 0.03 * h * r.nextGaussian()), (float) w, (float) h, 0.9f,
                        "node-" + (DEPTH - 1), -1, (float) (0.4 + 0.55 * r.nextDouble()), path));
            }
            for (int f = 0; f < 2; f++) {
                dets.add(new DetectedObject((float) (r.nextDouble() * 1200), (float) (r.nextDouble() * 650), 40f, 80f,
                        0.5f, "node-" + (DEPTH - 1), -1, (float) (0.2 + 0.5 * r.nextDouble()), path));
            }
            long t = 1_700_000_000_000L + k * 200L;
            out.add(Detection.newBuilder().setCameraId("bench").setSequence(k).setCaptureTime(Instant.ofEpochMilli(t))
                    .setDetectTime(Instant.ofEpochMilli(t)).setSource(FrameSource.LIVE).setSessionId("bench")
                    .setStatus(DetectionStatus.OK).setReason(null).setModelId("bench").setInputWidth(416)
                    .setInputHeight(416).setBatchSize(1).setImageWidth(1280).setImageHeight(720).setObjects(dets)
                    .setTimings(new Timings(0f, 0f, 0f, 0f, 0f)).setFramePartition(0).setFrameOffset(k).build());
        }
        return out;
    }

}
