package io.yolostream.sinks.topology;

import io.yolostream.detector.avro.Detection;
import io.yolostream.ingest.avro.Frame;
import io.yolostream.ingest.avro.FrameCodec;
import io.yolostream.sinks.annotate.AnnotateSelection;
import io.yolostream.sinks.annotate.FrameAnnotator;
import io.yolostream.sinks.annotate.FramePair;
import io.yolostream.sinks.annotate.PairingProcessor;
import io.yolostream.sinks.common.SinksException;
import io.yolostream.sinks.common.SinksMetrics;
import io.yolostream.sinks.config.SinksConfig;
import io.yolostream.sinks.snapshot.SnapshotProcessor;
import io.yolostream.sinks.web.LiveView;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

import java.util.List;

/**
 * frames + detections → {@code frames.annotated} (and the live view, and the snapshot sink): both topics are keyed by
 * camera id with the same partitions, so the frames are merged into the detections' stream and paired on (camera,
 * sequence) by a {@link PairingProcessor} within {@code annotate-window} — not a KStream-KStream join on the camera
 * key, which would pair every frame with every detection of its camera in the window. Frames of cameras nobody
 * annotates are dropped before they are decoded.
 */
public final class AnnotateTopology {
    /** Waiting sides per camera at most (bounds memory when the detector falls far behind). */
    static final int MAX_WAITING_PER_CAMERA = 256;

    private AnnotateTopology() {
    }

    public static void addTo(SinksConfig c, StreamsBuilder b, KStream<String, Detection> detections,
                             AnnotateSelection selection, SinksMetrics metrics, LiveView live) {
        if (!c.readsFrames()) {
            return;
        }
        FrameAnnotator annotator = new FrameAnnotator(c.hierarchy());
        KStream<String, FramePair.Side> frames = b.stream(c.framesTopic(), Consumed.with(Serdes.String(),
                        Serdes.ByteArray()).withName("frames"))
                .filter((camera, bytes) -> camera != null && selection.pairs(camera), Named.as("frames-wanted"))
                .flatMapValues(bytes -> frameOf(bytes, metrics), Named.as("frames-decode"));
        KStream<String, FramePair.Side> dets = detections
                .filter((camera, d) -> selection.pairs(d.getCameraId()), Named.as("detections-wanted"))
                .mapValues(FramePair.Side::of, Named.as("detections-side"));
        long windowMs = c.annotateWindow().toMillis();
        KStream<String, FramePair> pairs = frames.merge(dets, Named.as("frames-and-detections"))
                .process(() -> new PairingProcessor(windowMs, MAX_WAITING_PER_CAMERA, metrics::annotateDropped),
                        Named.as("pair"));
        if (!c.annotatedCameras().off()) {
            pairs.filter((camera, p) -> selection.annotates(p.frame().getCameraId()), Named.as("annotated-wanted"))
                    .flatMapValues(p -> annotated(annotator, p, metrics, live), Named.as("annotate"))
                    .peek((camera, f) -> {
                        metrics.annotated(f.getCameraId());
                        live.frame(f);
                    }, Named.as("live-view"))
                    .mapValues(FrameCodec::encode, Named.as("annotated-encode"))
                    .to(c.annotatedTopic(), Produced.with(Serdes.String(), Serdes.ByteArray())
                            .withName("annotated-out"));
        }
        if (!c.snapshotDir().isEmpty()) {
            pairs.process(() -> new SnapshotProcessor(c, annotator, metrics), Named.as("snapshots"));
        }
    }

    private static List<FramePair.Side> frameOf(byte[] bytes, SinksMetrics metrics) {
        try {
            // end-of-stream markers of replays share the topic: nothing to draw
            return FrameCodec.decode(bytes) instanceof Frame f ? List.of(FramePair.Side.of(f)) : List.of();
        } catch (RuntimeException e) {
            metrics.annotateDropped("frame", "unreadable");
            return List.of();
        }
    }

    private static List<Frame> annotated(FrameAnnotator annotator, FramePair p, SinksMetrics metrics,
                                         LiveView live) {
        try {
            // the tracker saw this detection before the pair left the pairing processor (it runs first)
            return List.of(annotator.annotate(p.frame(), p.detection(),
                    live.overlay(p.frame().getCameraId(), p.frame().getSequence())));
        } catch (SinksException e) {
            metrics.annotateDropped("frame", "unreadable");
            return List.of();
        }
    }
}
