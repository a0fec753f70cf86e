package io.yolostream.sinks.common;

import io.yolostream.detector.avro.Detection;
import io.yolostream.schema.AvroTrust;
import io.yolostream.sinks.avro.CameraHealth;
import io.yolostream.sinks.avro.NodeCount;
import io.yolostream.sinks.avro.NodeCounts;
import io.yolostream.sinks.avro.RoutedDetection;

/** The serdes of the sinks' Avro records. */
public final class SinksSerdes {
    static {
        // Avro 1.12 refuses to instantiate classes it does not trust while decoding
        AvroTrust.trustPackageOf(Detection.class);
        AvroTrust.trustPackageOf(RoutedDetection.class);
    }

    private SinksSerdes() {
    }

    public static AvroSerde<Detection> detection() {
        return new AvroSerde<>("Detection", Detection.getEncoder(), Detection.getDecoder());
    }

    public static AvroSerde<RoutedDetection> routed() {
        return new AvroSerde<>("RoutedDetection", RoutedDetection.getEncoder(), RoutedDetection.getDecoder());
    }

    public static AvroSerde<NodeCount> nodeCount() {
        return new AvroSerde<>("NodeCount", NodeCount.getEncoder(), NodeCount.getDecoder());
    }

    public static AvroSerde<NodeCounts> nodeCounts() {
        return new AvroSerde<>("NodeCounts", NodeCounts.getEncoder(), NodeCounts.getDecoder());
    }

    public static AvroSerde<CameraHealth> cameraHealth() {
        return new AvroSerde<>("CameraHealth", CameraHealth.getEncoder(), CameraHealth.getDecoder());
    }
}
