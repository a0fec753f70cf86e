package io.yolostream.sinks.common;

import io.yolostream.detector.schema.DetectionCodec;
import io.yolostream.schema.SingleObjectCodec;
import io.yolostream.sinks.avro.RoutedDetection;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.util.RandomData;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The sinks' records (topics and state-store changelogs) of every released schema version stay readable. */
class SinksSchemaHistoryTest {
    @Test
    void everyCurrentSchemaIsReleasedAndReadsEveryReleasedVersion() {
        List<SingleObjectCodec<?>> all = new ArrayList<>(SinksSerdes.codecs());
        all.add(DetectionCodec.codec());
        assertEquals(List.of("RoutedDetection", "NodeCount", "NodeCounts", "CameraHealth", "TrackFrame", "TrackEvent",
                        "CameraTracks", "ZoneDefinition", "ZoneTracks", "Detection"),
                all.stream().map(SingleObjectCodec::name).toList());
        for (SingleObjectCodec<?> codec : all) {
            assertEquals(List.of(), codec.historyProblems());
            assertEquals(List.of(), codec.releasedRecordProblems(30, 13));
        }
    }

    @Test
    void routedDetectionsOfTheReleasedVersionDeserialize() throws Exception {
        Schema v1 = SingleObjectCodec.released("RoutedDetection", getClass().getClassLoader()).get(0);
        BinaryMessageEncoder<GenericRecord> old = new BinaryMessageEncoder<>(GenericData.get(), v1);
        for (Object r : new RandomData(GenericData.get(), v1, 20, 3)) {
            GenericRecord w = (GenericRecord) r;
            ByteBuffer b = old.encode(w);
            byte[] bytes = new byte[b.remaining()];
            b.get(bytes);
            RoutedDetection d = SinksSerdes.routed().deserializer().deserialize("detections.dog", bytes);
            assertEquals(w.get("cameraId").toString(), d.getCameraId());
            assertEquals(w.get("sequence"), d.getSequence());
            assertEquals(((GenericRecord) w.get("node")).get("topic").toString(), d.getNode().getTopic());
        }
    }
}
