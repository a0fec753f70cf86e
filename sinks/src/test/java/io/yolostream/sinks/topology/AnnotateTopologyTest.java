package io.yolostream.sinks.topology;

import io.yolostream.detector.avro.DetectedObject;
import io.yolostream.detector.avro.DetectionStatus;
import io.yolostream.detector.avro.PathNode;
import io.yolostream.ingest.avro.Frame;
import io.yolostream.ingest.avro.FrameCodec;
import io.yolostream.sinks.annotate.AnnotateSelection;
import io.yolostream.sinks.annotate.FrameAnnotator;
import io.yolostream.sinks.annotate.Watchers;
import io.yolostream.sinks.common.SinksMetrics;
import io.yolostream.sinks.config.SinksConfig;
import io.yolostream.sinks.testing.Driver;
import io.yolostream.sinks.testing.Fixtures;
import io.yolostream.sinks.web.LiveView;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The annotator on TopologyTestDriver: pairs on (camera, sequence) either way round, draws, drops what is late. */
class AnnotateTopologyTest {
    static final long T0 = Fixtures.T0;

    static Frame frame(String camera, long seq, long captureMs) {
        return Fixtures.frame(camera, seq, captureMs);
    }

    static DetectedObject dog(float score) {
        return new DetectedObject(40f, 30f, 60f, 50f, 0.8f, "dog", 11, score, List.of(new PathNode("dog", 11, score,
                score)));
    }

    static final class Rig implements AutoCloseable {
        final SinksConfig c;
        final SinksMetrics metrics = SinksMetrics.inMemory();
        final LiveView live;
        final Driver d;
        final TestInputTopic<String, byte[]> frames;

        Rig(String... flags) {
            c = SinksConfig.of(flags);
            Watchers w = new Watchers(c.watchTtl());
            live = new LiveView(c.hierarchy(), w);
            d = new Driver(c, SinksTopology.buildTopology(c, metrics, live, AnnotateSelection.of(c, w)));
            frames = d.driver.createInputTopic(c.framesTopic(), new StringSerializer(), new ByteArraySerializer());
        }

        void send(Frame f) {
            frames.pipeInput(new TestRecord<>(f.getCameraId(), FrameCodec.encode(f), f.getCaptureTime()));
        }

        List<Frame> annotated() {
            return d.rawOutput(c.annotatedTopic()).readValuesToList().stream().map(FrameCodec::decodeFrame).toList();
        }

        @Override
        public void close() {
            d.close();
        }
    }

    @Test
    void pairsEachFrameWithItsOwnDetectionWhicheverComesFirst() throws Exception {
        try (Rig r = new Rig("annotate-cameras", "cam1")) {
            // frames first (the usual order), then a detection arriving before its frame
            for (long s = 1; s <= 4; s++) {
                r.send(frame("cam1", s, T0 + s * 40));
            }
            for (long s = 1; s <= 4; s++) {
                r.d.send(Fixtures.detection("cam1", s, T0 + s * 40, List.of(dog(0.5f + s / 10f))));
            }
            r.d.send(Fixtures.detection("cam1", 5, T0 + 200, List.of(dog(0.9f))));
            r.send(frame("cam1", 5, T0 + 200));

            List<Frame> out = r.annotated();
            // one output per (camera, sequence), not frames x detections
            assertEquals(List.of(1L, 2L, 3L, 4L, 5L), out.stream().map(Frame::getSequence).toList());
            BufferedImage img = decode(out.get(0));
            assertEquals(160, img.getWidth());
            // the box's left edge at x=40 is drawn in colour (JPEG smears it: closer to the box's than to grey)
            Color box = FrameAnnotator.colour(r.c.hierarchy().pathOf(dog(0.6f)));
            Color edge = new Color(img.getRGB(40, 60));
            assertTrue(distance(edge, box) < distance(edge, Color.GRAY), "box edge " + edge + " vs " + box);
            assertTrue(near(new Color(img.getRGB(100, 100)), Color.GRAY), "background untouched");
            assertEquals(5, r.metrics.annotatedCount("cam1"));
            assertEquals(5, r.live.latest("cam1").sequence());
            assertEquals(5, r.live.recent("cam1").size());
        }
    }

    @Test
    void camerasNeitherListedNorWatchedAreNotAnnotatedUntilWatched() {
        try (Rig r = new Rig()) {
            r.send(frame("cam2", 1, T0));
            r.d.send(Fixtures.detection("cam2", 1, T0, List.of(dog(0.7f))));
            assertTrue(r.annotated().isEmpty(), "default: only watched cameras");
            assertTrue(r.live.recent("cam2").size() == 1, "the table still fills");

            r.live.watchers().watch("cam2");
            r.send(frame("cam2", 2, T0 + 40));
            r.d.send(Fixtures.detection("cam2", 2, T0 + 40, List.of(dog(0.7f))));
            assertEquals(List.of(2L), r.annotated().stream().map(Frame::getSequence).toList());
        }
    }

    @Test
    void offReadsNoFramesAndWritesNoAnnotatedTopic() {
        SinksConfig c = SinksConfig.of("annotate-cameras", "off");
        assertTrue(!c.readsFrames());
        String desc = SinksTopology.buildTopology(c).describe().toString();
        assertTrue(!desc.contains("frames.annotated") && !desc.contains("topics: [frames]"), desc);
    }

    @Test
    void lateAndUnmatchedSidesAreDroppedAndCounted() {
        try (Rig r = new Rig("annotate-cameras", "*", "annotate-window", "1s")) {
            r.send(frame("cam1", 1, T0));                  // its detection never comes
            r.send(frame("cam1", 2, T0 + 5_000));          // moves stream time 5 s on: frame 1 is unmatched
            r.d.send(Fixtures.detection("cam1", 1, T0, List.of(dog(0.7f)))); // older than the window: late
            r.d.send(Fixtures.detection("cam1", 2, T0 + 5_000, List.of(dog(0.7f))));
            assertEquals(List.of(2L), r.annotated().stream().map(Frame::getSequence).toList());
            assertEquals(1, r.metrics.annotateDroppedCount("frame", "unmatched"));
            assertEquals(1, r.metrics.annotateDroppedCount("detection", "late"));
        }
    }

    @Test
    void skippedFramesAreShownWithTheirStatusAndUnreadableFramesAreCounted() {
        try (Rig r = new Rig("annotate-cameras", "*")) {
            r.send(frame("cam1", 1, T0));
            r.d.send(Fixtures.detection("cam1", 1, T0, DetectionStatus.SKIPPED_STALE, "9 s old", List.of()));
            r.frames.pipeInput(new TestRecord<>("cam1", new byte[]{1, 2, 3}, Instant.ofEpochMilli(T0 + 40)));
            assertEquals(1, r.annotated().size());
            assertEquals(1, r.metrics.annotateDroppedCount("frame", "unreadable"));
        }
    }

    @Test
    void watchesExpireAfterTheirTtl() {
        long[] now = {0};
        Watchers w = new Watchers(Duration.ofSeconds(30), () -> now[0]);
        w.watch("a");
        now[0] = 29_000;
        assertTrue(w.watched("a"));
        now[0] = 31_000;
        assertTrue(!w.watched("a"));
    }

    static BufferedImage decode(Frame f) {
        return FrameAnnotator.decode(f);
    }

    static int distance(Color a, Color b) {
        return Math.abs(a.getRed() - b.getRed()) + Math.abs(a.getGreen() - b.getGreen())
                + Math.abs(a.getBlue() - b.getBlue());
    }

    static boolean near(Color a, Color b) {
        return distance(a, b) < 60;
    }

}
