package io.yolostream.sinks.common;

import io.yolostream.detector.avro.Detection;
import io.yolostream.detector.schema.DetectionCodec;
import io.yolostream.schema.SingleObjectCodec;
import io.yolostream.sinks.avro.CameraHealth;
import io.yolostream.sinks.avro.CameraTracks;
import io.yolostream.sinks.avro.NodeCount;
import io.yolostream.sinks.avro.NodeCounts;
import io.yolostream.sinks.avro.RoutedDetection;
import io.yolostream.sinks.avro.TrackEvent;
import io.yolostream.sinks.avro.TrackFrame;
import io.yolostream.sinks.avro.ZoneDefinition;
import io.yolostream.sinks.avro.ZoneTracks;

import java.util.List;

/**
 * The serdes of the sinks' Avro records: each reads every released version of its schema ({@link SingleObjectCodec},
 * history under {@code io/yolostream/schemas/}), so retained topics and state-store changelogs stay readable after
 * a schema change.
 */
public final class SinksSerdes {
    private static final SingleObjectCodec<RoutedDetection> ROUTED = SingleObjectCodec.of(RoutedDetection.class);
    private static final SingleObjectCodec<NodeCount> NODE_COUNT = SingleObjectCodec.of(NodeCount.class);
    private static final SingleObjectCodec<NodeCounts> NODE_COUNTS = SingleObjectCodec.of(NodeCounts.class);
    private static final SingleObjectCodec<CameraHealth> CAMERA_HEALTH = SingleObjectCodec.of(CameraHealth.class);

    private static final SingleObjectCodec<TrackFrame> TRACK_FRAME = SingleObjectCodec.of(TrackFrame.class);
    private static final SingleObjectCodec<TrackEvent> TRACK_EVENT = SingleObjectCodec.of(TrackEvent.class);
    private static final SingleObjectCodec<CameraTracks> CAMERA_TRACKS = SingleObjectCodec.of(CameraTracks.class);
    private static final SingleObjectCodec<ZoneDefinition> ZONE_DEFINITION =
            SingleObjectCodec.of(ZoneDefinition.class);
    private static final SingleObjectCodec<ZoneTracks> ZONE_TRACKS = SingleObjectCodec.of(ZoneTracks.class);

    private SinksSerdes() {
    }

    public static AvroSerde<Detection> detection() {
        return new AvroSerde<>(DetectionCodec.codec());
    }

    public static AvroSerde<RoutedDetection> routed() {
        return new AvroSerde<>(ROUTED);
    }

    /** Version 2 added the zone fields; version 1 records (retained on the counts topic) still decode. */
    public static AvroSerde<NodeCount> nodeCount() {
        return new AvroSerde<>(NODE_COUNT);
    }

    public static AvroSerde<TrackFrame> trackFrame() {
        return new AvroSerde<>(TRACK_FRAME);
    }

    public static AvroSerde<TrackEvent> trackEvent() {
        return new AvroSerde<>(TRACK_EVENT);
    }

    public static AvroSerde<CameraTracks> cameraTracks() {
        return new AvroSerde<>(CAMERA_TRACKS);
    }

    public static AvroSerde<ZoneDefinition> zoneDefinition() {
        return new AvroSerde<>(ZONE_DEFINITION);
    }

    public static AvroSerde<ZoneTracks> zoneTracks() {
        return new AvroSerde<>(ZONE_TRACKS);
    }

    public static AvroSerde<NodeCounts> nodeCounts() {
        return new AvroSerde<>(NODE_COUNTS);
    }

    public static AvroSerde<CameraHealth> cameraHealth() {
        return new AvroSerde<>(CAMERA_HEALTH);
    }

    /** Every codec of the sinks' own records, for the history checks. */
    public static List<SingleObjectCodec<?>> codecs() {
        return List.of(ROUTED, NODE_COUNT, NODE_COUNTS, CAMERA_HEALTH, TRACK_FRAME, TRACK_EVENT, CAMERA_TRACKS,
                ZONE_DEFINITION, ZONE_TRACKS);
    }
}
