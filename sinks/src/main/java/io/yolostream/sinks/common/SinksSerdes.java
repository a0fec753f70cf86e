package io.yolostream.sinks.common;

import io.yolostream.detector.avro.Detection;
import io.yolostream.detector.schema.DetectionCodec;
import io.yolostream.schema.SingleObjectCodec;
import io.yolostream.sinks.avro.CameraHealth;
import io.yolostream.sinks.avro.NodeCount;
import io.yolostream.sinks.avro.NodeCounts;
import io.yolostream.sinks.avro.RoutedDetection;

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

    private SinksSerdes() {
    }

    public static AvroSerde<Detection> detection() {
        return new AvroSerde<>(DetectionCodec.codec());
    }

    public static AvroSerde<RoutedDetection> routed() {
        return new AvroSerde<>(ROUTED);
    }

    public static AvroSerde<NodeCount> nodeCount() {
        return new AvroSerde<>(NODE_COUNT);
    }

    public static AvroSerde<NodeCounts> nodeCounts() {
        return new AvroSerde<>(NODE_COUNTS);
    }

    public static AvroSerde<CameraHealth> cameraHealth() {
        return new AvroSerde<>(CAMERA_HEALTH);
    }

    /** Every codec of the sinks' own records, for the history checks. */
    public static List<SingleObjectCodec<?>> codecs() {
        return List.of(ROUTED, NODE_COUNT, NODE_COUNTS, CAMERA_HEALTH);
    }
}
