package io.yolostream.schema;

import io.yolostream.ingest.avro.EndOfStream;
import io.yolostream.ingest.avro.Frame;
import io.yolostream.ingest.avro.FrameCodec;
import org.apache.avro.JsonProperties;
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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Records written by every released version of Frame and EndOfStream stay readable after a schema change. */
class SchemaEvolutionTest {
    private static final Schema FRAME_V1 = released("Frame").get(0);

    private static List<Schema> released(String name) {
        return SingleObjectCodec.released(name, SchemaEvolutionTest.class.getClassLoader());
    }

    /** Frame v1 plus {@code extra} fields: what a change of Frame.avsc would release as v2. */
    private static Schema frameWith(Schema.Field... extra) {
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : FRAME_V1.getFields()) {
            fields.add(new Schema.Field(f, f.schema()));
        }
        fields.addAll(List.of(extra));
        return Schema.createRecord(FRAME_V1.getName(), FRAME_V1.getDoc(), FRAME_V1.getNamespace(), false, fields);
    }

    private static final Schema FRAME_V2 = frameWith(
            new Schema.Field("lens", Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING)),
                    "added in the test-only v2", JsonProperties.NULL_VALUE),
            new Schema.Field("exposureMicros", Schema.create(Schema.Type.LONG), "added in the test-only v2", -1L));

    private static List<byte[]> writtenWith(Schema schema, int count, List<GenericRecord> records) throws Exception {
        BinaryMessageEncoder<GenericRecord> encoder = new BinaryMessageEncoder<>(GenericData.get(), schema);
        List<byte[]> out = new ArrayList<>();
        for (Object r : new RandomData(GenericData.get(), schema, count, 42)) {
            records.add((GenericRecord) r);
            ByteBuffer b = encoder.encode((GenericRecord) r);
            byte[] bytes = new byte[b.remaining()];
            b.get(bytes);
            out.add(bytes);
        }
        return out;
    }

    @Test
    void theCurrentSchemasAreReleasedAndReadEveryReleasedVersion() {
        assertEquals(List.of(Frame.getClassSchema().getName(), EndOfStream.getClassSchema().getName()),
                FrameCodec.codecs().stream().map(SingleObjectCodec::name).toList());
        for (SingleObjectCodec<?> codec : FrameCodec.codecs()) {
            assertEquals(List.of(), codec.historyProblems());
            assertEquals(List.of(), codec.releasedRecordProblems(50, 7));
        }
    }

    @Test
    void recordsOfTheReleasedVersionDecodeWithTheCurrentCodec() throws Exception {
        List<GenericRecord> written = new ArrayList<>();
        List<byte[]> bytes = writtenWith(FRAME_V1, 20, written);
        for (int i = 0; i < bytes.size(); i++) {
            Frame f = FrameCodec.decodeFrame(bytes.get(i));
            GenericRecord w = written.get(i);
            assertEquals(w.get("cameraId").toString(), f.getCameraId());
            assertEquals(w.get("sequence"), f.getSequence());
            assertEquals(w.get("captureTime"), f.getCaptureTime().toEpochMilli());
            assertEquals(w.get("image"), f.getImage());
        }
    }

    @Test
    void afterAChangeRecordsOfThePreviousVersionDecodeWithDefaultsForTheNewFields() throws Exception {
        SingleObjectCodec<GenericRecord> v2 = SingleObjectCodec.generic(FRAME_V2, List.of(FRAME_V1, FRAME_V2));
        assertEquals(List.of(), v2.historyProblems(), "v2 only adds fields with defaults");
        assertEquals(List.of(), v2.releasedRecordProblems(30, 3));
        List<GenericRecord> written = new ArrayList<>();
        List<byte[]> old = writtenWith(FRAME_V1, 20, written);
        for (int i = 0; i < old.size(); i++) {
            GenericRecord read = v2.decode(old.get(i), "test value");
            assertNull(read.get("lens"));
            assertEquals(-1L, read.get("exposureMicros"));
            for (Schema.Field f : FRAME_V1.getFields()) {
                assertEquals(GenericData.get().toString(written.get(i).get(f.name())),
                        GenericData.get().toString(read.get(f.name())), f.name());
            }
        }
    }

    @Test
    void withoutTheReleasedVersionRegisteredTheOldRecordsWouldNotDecode() throws Exception {
        SingleObjectCodec<GenericRecord> forgetful = SingleObjectCodec.generic(FRAME_V2, List.of(FRAME_V2));
        byte[] old = writtenWith(FRAME_V1, 1, new ArrayList<>()).get(0);
        SchemaException e = assertThrows(SchemaException.class, () -> forgetful.decode(old, "test value"));
        assertTrue(e.getMessage().contains("found " + SingleObjectCodec.hex(SingleObjectCodec.fingerprint(FRAME_V1))),
                e.getMessage());
    }

    @Test
    void aChangeThatCannotReadOldRecordsOrIsNotReleasedIsCaught() {
        Schema noDefault = frameWith(new Schema.Field("lens", Schema.create(Schema.Type.STRING), "no default",
                (Object) null));
        List<String> problems = SingleObjectCodec.generic(noDefault, List.of(FRAME_V1, noDefault)).historyProblems();
        assertTrue(problems.stream().anyMatch(p -> p.contains("cannot read records written by v1")
                && p.contains("lens")), problems.toString());
        List<String> unreleased = SingleObjectCodec.generic(FRAME_V2, List.of(FRAME_V1)).historyProblems();
        assertTrue(unreleased.stream().anyMatch(p -> p.contains("is not the latest released one")
                && p.contains("Frame-v2.avsc")), unreleased.toString());
    }

    @Test
    void aRecordOfANewerVersionIsAClearError() throws Exception {
        byte[] newer = writtenWith(FRAME_V2, 1, new ArrayList<>()).get(0);
        SchemaException e = assertThrows(SchemaException.class, () -> FrameCodec.decode(newer));
        assertTrue(e.getMessage().contains("version newer than this build"), e.getMessage());
        assertTrue(e.getMessage().contains("(Frame v1)"), e.getMessage());
    }
}
