package io.yolostream.sinks.common;

import io.yolostream.detector.avro.Detection;
import io.yolostream.schema.AvroTrust;
import io.yolostream.sinks.avro.CameraHealth;
import io.yolostream.sinks.avro.NodeCount;
import io.yolostream.sinks.avro.NodeCounts;
import io.yolostream.sinks.avro.RoutedDetection;
import io.yolostream.sinks.avro.TrackEvent;
import io.yolostream.sinks.avro.TrackFrame;
import io.yolostream.sinks.avro.ZoneDefinition;
import io.yolostream.sinks.avro.ZoneTracks;
import io.yolostream.sinks.avro.CameraTracks;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The serdes of the sinks' Avro records. */
public final class SinksSerdes {
    static {
        // Avro 1.12 refuses to instantiate classes it does not trust while decoding
        AvroTrust.trustPackageOf(Detection.class);
        AvroTrust.trustPackageOf(RoutedDetection.class);
    }

    private static final Schema NODE_COUNT_V1 = schema("/io/yolostream/sinks/avro/NodeCount-v1.avsc");

    private SinksSerdes() {
    }

    public static AvroSerde<Detection> detection() {
        return new AvroSerde<>("Detection", Detection.getEncoder(), Detection.getDecoder());
    }

    public static AvroSerde<RoutedDetection> routed() {
        return new AvroSerde<>("RoutedDetection", RoutedDetection.getEncoder(), RoutedDetection.getDecoder());
    }

    /** Also decodes version 1 of NodeCount (before the zone fields), retained on the counts topic. */
    public static AvroSerde<NodeCount> nodeCount() {
        BinaryMessageDecoder<NodeCount> decoder = NodeCount.createDecoder(null);
        decoder.addSchema(NODE_COUNT_V1);
        return new AvroSerde<>("NodeCount", NodeCount.getEncoder(), decoder);
    }

    public static AvroSerde<TrackFrame> trackFrame() {
        return new AvroSerde<>("TrackFrame", TrackFrame.getEncoder(), TrackFrame.getDecoder());
    }

    public static AvroSerde<TrackEvent> trackEvent() {
        return new AvroSerde<>("TrackEvent", TrackEvent.getEncoder(), TrackEvent.getDecoder());
    }

    public static AvroSerde<CameraTracks> cameraTracks() {
        return new AvroSerde<>("CameraTracks", CameraTracks.getEncoder(), CameraTracks.getDecoder());
    }

    public static AvroSerde<ZoneDefinition> zoneDefinition() {
        return new AvroSerde<>("ZoneDefinition", ZoneDefinition.getEncoder(), ZoneDefinition.getDecoder());
    }

    public static AvroSerde<ZoneTracks> zoneTracks() {
        return new AvroSerde<>("ZoneTracks", ZoneTracks.getEncoder(), ZoneTracks.getDecoder());
    }

    private static Schema schema(String resource) {
        try (InputStream in = SinksSerdes.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " missing from the sinks jar");
            }
            return new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException(resource, e);
        }
    }

    public static AvroSerde<NodeCounts> nodeCounts() {
        return new AvroSerde<>("NodeCounts", NodeCounts.getEncoder(), NodeCounts.getDecoder());
    }

    public static AvroSerde<CameraHealth> cameraHealth() {
        return new AvroSerde<>("CameraHealth", CameraHealth.getEncoder(), CameraHealth.getDecoder());
    }
}
