package io.yolostream.sinks.web;

import io.yolostream.detector.avro.Detection;
import io.yolostream.ingest.avro.Frame;
import io.yolostream.sinks.annotate.FrameAnnotator;
import io.yolostream.sinks.annotate.Overlay;
import io.yolostream.sinks.annotate.Watchers;
import io.yolostream.sinks.avro.ZoneCoordinates;
import io.yolostream.sinks.avro.ZoneKind;
import io.yolostream.sinks.config.SinksConfig;
import io.yolostream.sinks.hierarchy.Hierarchy;
import io.yolostream.sinks.testing.Fixtures;
import io.yolostream.sinks.tracking.CameraTracker;
import io.yolostream.sinks.tracking.Tracking;
import io.yolostream.sinks.tracking.TrackingOutput;
import io.yolostream.sinks.track.TrackerParams;
import io.yolostream.sinks.zones.Point;
import io.yolostream.sinks.zones.ZoneSpec;
import io.yolostream.detector.avro.DetectedObject;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The live view's tracks: trails, zones and ids drawn on the annotated frame, events for the camera page. */
class TrackViewTest {
    @Test
    void annotatedFramesShowZonesLinesTrackIdsAndTrails() {
        Tracking tracking = new Tracking(TrackerParams.DEFAULTS, Hierarchy.FLAT, List.of(), 10_000);
        CameraTracker t = CameraTracker.start(tracking, "cam");
        LiveView live = new LiveView(Hierarchy.FLAT, new Watchers(Duration.ofSeconds(30)));
        // the frames are 160 × 120: a zone on the left half (normalized), a line across the middle (pixels)
        List<ZoneSpec> zones = List.of(
                new ZoneSpec("cam", "left", ZoneKind.ZONE, "Left", ZoneCoordinates.NORMALIZED,
                        List.of(new Point(0, 0), new Point(0.5, 0), new Point(0.5, 1), new Point(0, 1)), null),
                new ZoneSpec("cam", "mid", ZoneKind.LINE, null, ZoneCoordinates.PIXEL,
                        List.of(new Point(0, 60), new Point(160, 60)), null));
        Detection last = null;
        for (int k = 0; k < 8; k++) {
            DetectedObject o = new DetectedObject(20f + 8 * k, 10f, 16f, 30f, 0.9f, "person", 0, 0.9f, List.of());
            last = Fixtures.detection("cam", k, Fixtures.T0 + k * 200L, List.of(o));
            last.setImageWidth(160);
            last.setImageHeight(120);
            CameraTracker.Result r = t.step(last, zones);
            live.detection(last);
            live.tracking(new TrackingOutput(r.frame(), zones, null));
            r.events().forEach(e -> live.tracking(new TrackingOutput(null, List.of(), e)));
        }
        Overlay o = live.overlay("cam", 7);
        assertEquals(2, o.shapes().size());
        assertEquals(1, o.tracks().size());
        Overlay.Mark m = o.tracks().get(0);
        assertEquals("#1 person", m.tag());
        assertEquals(6, m.trail().size(), "a trail point per frame since confirmation (frame 2)");
        assertTrue(m.trail().get(5)[0] > m.trail().get(0)[0], "the trail follows the object right");
        assertEquals(Overlay.NONE, live.overlay("cam", 99), "a frame whose tracks are unknown gets none");

        io.yolostream.schema.AvroTrust.trustPackageOf(Frame.class); // as FrameCodec does in the service
        Frame f = Fixtures.frame("cam", 7, Fixtures.T0 + 7 * 200L);
        BufferedImage plain = FrameAnnotator.decode(new FrameAnnotator(Hierarchy.FLAT).annotate(f, last));
        BufferedImage drawn = FrameAnnotator.decode(new FrameAnnotator(Hierarchy.FLAT).annotate(f, last, o));
        // the zone tints the left half (sampled away from boxes and labels), the line crosses the right half
        assertTrue(differs(plain, drawn, 40, 100), "zone tint");
        assertTrue(!differs(plain, drawn, 140, 100), "outside the zone, off the line: untouched");
        assertTrue(differs(plain, drawn, 140, 60), "the line");

        List<Map<String, Object>> events = live.events("cam");
        assertEquals("STARTED", events.get(events.size() - 1).get("kind"));
        assertTrue(events.stream().anyMatch(e -> "ENTERED".equals(e.get("kind")) && "left".equals(e.get("zone"))),
                events.toString());
        assertEquals(1, live.summary("cam").get("tracks"));
    }

    private static boolean differs(BufferedImage a, BufferedImage b, int x, int y) {
        int p = a.getRGB(x, y);
        int q = b.getRGB(x, y);
        int d = 0;
        for (int s = 0; s < 24; s += 8) {
            d += Math.abs(((p >> s) & 0xFF) - ((q >> s) & 0xFF));
        }
        return d > 20;
    }
}
