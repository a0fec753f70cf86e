package io.yolostream.ingest.avro;

import io.yolostream.schema.SchemaException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FrameCodecTest {

    static Frame frame(long sequence, byte[] image) {
        return Frame.newBuilder().setCameraId("cam-1").setSequence(sequence)
                .setCaptureTime(Instant.ofEpochMilli(1_700_000_000_123L)).setPtsMicros(40_000)
                .setSource(SourceKind.REPLAY).setSessionId("session-7").setWidth(64).setHeight(48)
                .setEncoding(ImageEncoding.JPEG).setImage(ByteBuffer.wrap(image)).build();
    }

    @Test
    void frameRoundTripsWithoutTheSerializablePackagesProperty() {
        assertNull(System.getProperty("org.apache.avro.SERIALIZABLE_PACKAGES"), "this test proves AvroTrust works");
        byte[] image = new byte[3000]; // the codec carries the image bytes as they are
        new java.util.Random(7).nextBytes(image);
        byte[] bytes = FrameCodec.encode(frame(42, image));
        Frame back = FrameCodec.decodeFrame(bytes);
        assertEquals("cam-1", back.getCameraId());
        assertEquals(42, back.getSequence());
        assertEquals(Instant.ofEpochMilli(1_700_000_000_123L), back.getCaptureTime());
        assertEquals(SourceKind.REPLAY, back.getSource());
        assertEquals("session-7", back.getSessionId());
        byte[] imageBack = new byte[back.getImage().remaining()];
        back.getImage().get(imageBack);
        assertArrayEquals(image, imageBack);
    }

    @Test
    void endOfStreamRoundTripsAndDispatchesOnFingerprint() {
        EndOfStream eos = EndOfStream.newBuilder().setCameraId("cam-1").setSessionId("s").setFrames(25)
                .setFirstSequence(10).setLastSequence(34).setEndTime(Instant.ofEpochMilli(5)).build();
        assertEquals(eos, FrameCodec.decode(FrameCodec.encode(eos)));
        assertInstanceOf(Frame.class, FrameCodec.decode(FrameCodec.encode(frame(1, new byte[3]))));
        SchemaException e = assertThrows(SchemaException.class, () -> FrameCodec.decodeFrame(FrameCodec.encode(eos)));
        assertTrue(e.getMessage().contains("expected a Frame, found EndOfStream"), e.getMessage());
    }

    @Test
    void headerIsMagicPlusLittleEndianFingerprintOfTheAvscFiles() throws Exception {
        // the .avsc files are the contract for non-Java consumers: their fingerprints must be what we write
        Schema frameAvsc = new Schema.Parser().parse(new File("src/main/avro/Frame.avsc"));
        Schema eosAvsc = new Schema.Parser().parse(new File("src/main/avro/EndOfStream.avsc"));
        assertEquals(SchemaNormalization.parsingFingerprint64(frameAvsc), FrameCodec.FRAME_FINGERPRINT);
        assertEquals(SchemaNormalization.parsingFingerprint64(eosAvsc), FrameCodec.END_OF_STREAM_FINGERPRINT);
        byte[] bytes = FrameCodec.encode(frame(1, new byte[10]));
        assertEquals((byte) 0xC3, bytes[0]);
        assertEquals((byte) 0x01, bytes[1]);
        assertEquals(FrameCodec.FRAME_FINGERPRINT, ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong());
        assertEquals(FrameCodec.FRAME_FINGERPRINT, FrameCodec.fingerprintOf(bytes));
    }

    @Test
    void unknownFingerprintNamesExpectedAndFound() {
        byte[] bytes = FrameCodec.encode(frame(1, new byte[10]));
        bytes[2] ^= 0x5A;
        SchemaException e = assertThrows(SchemaException.class, () -> FrameCodec.decode(bytes));
        String found = String.format("0x%016X", FrameCodec.fingerprintOf(bytes));
        assertTrue(e.getMessage().contains(String.format("0x%016X", FrameCodec.FRAME_FINGERPRINT)), e.getMessage());
        assertTrue(e.getMessage().contains(String.format("0x%016X", FrameCodec.END_OF_STREAM_FINGERPRINT)));
        assertTrue(e.getMessage().contains("found " + found), e.getMessage());
    }

    @Test
    void truncatedShortAndForeignValuesFailClearly() {
        byte[] bytes = FrameCodec.encode(frame(1, new byte[100]));
        SchemaException truncated = assertThrows(SchemaException.class,
                () -> FrameCodec.decode(Arrays.copyOf(bytes, bytes.length - 20)));
        assertTrue(truncated.getMessage().contains("expected a complete Frame body"), truncated.getMessage());
        assertTrue(truncated.getMessage().contains("truncated"), truncated.getMessage());

        SchemaException tooShort = assertThrows(SchemaException.class, () -> FrameCodec.decode(new byte[]{(byte) 0xC3}));
        assertTrue(tooShort.getMessage().contains("expected at least 10 bytes"), tooShort.getMessage());
        assertTrue(tooShort.getMessage().contains("found 1 bytes"), tooShort.getMessage());

        SchemaException json = assertThrows(SchemaException.class,
                () -> FrameCodec.decode("{\"cameraId\":1}".getBytes()));
        assertTrue(json.getMessage().contains("expected single-object magic C3 01, found 7B 22"), json.getMessage());
    }

    @Test
    void sizeBoundCoversTheEncodedFrame() {
        Frame big = frame(Long.MAX_VALUE, new byte[1000]);
        big.setPtsMicros(Long.MIN_VALUE);
        big.setWidth(Integer.MIN_VALUE);
        big.setCaptureTime(Instant.ofEpochMilli(Long.MAX_VALUE));
        int actual = FrameCodec.encode(big).length;
        assertTrue(actual <= FrameCodec.encodedSizeBound("cam-1", "session-7", 1000),
                actual + " > " + FrameCodec.encodedSizeBound("cam-1", "session-7", 1000));
    }
}
