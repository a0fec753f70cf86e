package io.yolostream.ingest.avro;

import io.yolostream.schema.AvroTrust;
import io.yolostream.schema.SchemaException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Values of the frames topic: Avro single-object encoding of {@link Frame} or {@link EndOfStream}, i.e. the bytes
 * {@code C3 01}, the writer schema's 8-byte CRC-64-AVRO fingerprint (little-endian), then the Avro binary body. No
 * schema registry: the fingerprint says which of the two records follows. Each record also carries the Kafka header
 * {@value #TYPE_HEADER} = {@value #TYPE_FRAME} | {@value #TYPE_END_OF_STREAM}, for consumers that route without
 * decoding. Thread-safe.
 */
public final class FrameCodec {
    public static final String TYPE_HEADER = "yolostream.type";
    public static final String TYPE_FRAME = "frame";
    public static final String TYPE_END_OF_STREAM = "end-of-stream";
    public static final byte[] TYPE_FRAME_BYTES = TYPE_FRAME.getBytes(StandardCharsets.UTF_8);
    public static final byte[] TYPE_END_OF_STREAM_BYTES = TYPE_END_OF_STREAM.getBytes(StandardCharsets.UTF_8);
    /** Magic (2 bytes) + fingerprint (8 bytes). */
    public static final int HEADER_LENGTH = 10;
    public static final long FRAME_FINGERPRINT = fingerprint(Frame.getClassSchema());
    public static final long END_OF_STREAM_FINGERPRINT = fingerprint(EndOfStream.getClassSchema());
    /** Upper bound of a Frame's encoded bytes besides the image and the two strings (varints at their widest). */
    private static final int FRAME_FIXED_OVERHEAD = HEADER_LENGTH + 3 * 10 + 2 * 5 + 2 + 3 * 5;

    private static final BinaryMessageEncoder<Frame> FRAME_ENCODER =
            new BinaryMessageEncoder<>(SpecificData.get(), Frame.getClassSchema());
    private static final BinaryMessageEncoder<EndOfStream> EOS_ENCODER =
            new BinaryMessageEncoder<>(SpecificData.get(), EndOfStream.getClassSchema());
    private static final BinaryMessageDecoder<Frame> FRAME_DECODER =
            new BinaryMessageDecoder<>(SpecificData.get(), Frame.getClassSchema());
    private static final BinaryMessageDecoder<EndOfStream> EOS_DECODER =
            new BinaryMessageDecoder<>(SpecificData.get(), EndOfStream.getClassSchema());

    static {
        AvroTrust.trustPackageOf(Frame.class);
    }

    private FrameCodec() {
    }

    /** The CRC-64-AVRO fingerprint of the schema's parsing canonical form, as single-object encoding writes it. */
    public static long fingerprint(Schema schema) {
        return SchemaNormalization.parsingFingerprint64(schema);
    }

    public static byte[] encode(Frame frame) {
        return toBytes(() -> FRAME_ENCODER.encode(frame));
    }

    public static byte[] encode(EndOfStream endOfStream) {
        return toBytes(() -> EOS_ENCODER.encode(endOfStream));
    }

    /** The largest {@link #encode(Frame)} can produce for a frame with these strings and image. */
    public static int encodedSizeBound(String cameraId, String sessionId, int imageBytes) {
        return FRAME_FIXED_OVERHEAD + utf8Length(cameraId) + utf8Length(sessionId) + imageBytes;
    }

    /** A {@link Frame} or an {@link EndOfStream}, as the fingerprint says. */
    public static SpecificRecord decode(byte[] value) {
        long fp = fingerprintOf(value);
        if (fp == FRAME_FINGERPRINT) {
            return decodeBody(FRAME_DECODER, value, "Frame");
        }
        if (fp == END_OF_STREAM_FINGERPRINT) {
            return decodeBody(EOS_DECODER, value, "EndOfStream");
        }
        throw new SchemaException("frames topic value: expected schema fingerprint " + hex(FRAME_FINGERPRINT)
                + " (Frame) or " + hex(END_OF_STREAM_FINGERPRINT) + " (EndOfStream), found " + hex(fp));
    }

    /** The value as a Frame; an EndOfStream or anything else is an error naming what was found. */
    public static Frame decodeFrame(byte[] value) {
        SpecificRecord r = decode(value);
        if (r instanceof Frame f) {
            return f;
        }
        throw new SchemaException("frames topic value: expected a Frame, found " + r.getSchema().getName());
    }

    public static EndOfStream decodeEndOfStream(byte[] value) {
        SpecificRecord r = decode(value);
        if (r instanceof EndOfStream e) {
            return e;
        }
        throw new SchemaException("frames topic value: expected an EndOfStream, found " + r.getSchema().getName());
    }

    /** The header's 8-byte fingerprint; fails on a value that is not single-object encoded. */
    public static long fingerprintOf(byte[] value) {
        if (value == null || value.length < HEADER_LENGTH) {
            throw new SchemaException("frames topic value: expected at least " + HEADER_LENGTH
                    + " bytes (C3 01 + 8-byte fingerprint), found " + (value == null ? "null" : value.length + " bytes"));
        }
        if ((value[0] & 0xFF) != 0xC3 || value[1] != 0x01) {
            throw new SchemaException("frames topic value: expected single-object magic C3 01, found "
                    + String.format("%02X %02X", value[0] & 0xFF, value[1] & 0xFF));
        }
        return ByteBuffer.wrap(value, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    private static <T> T decodeBody(BinaryMessageDecoder<T> decoder, byte[] value, String type) {
        try {
            return decoder.decode(value);
        } catch (IOException | RuntimeException e) {
            // Avro reports a short body as EOFException or an index error; both mean truncated or corrupt
            throw new SchemaException("frames topic value: expected a complete " + type + " body, found "
                    + (value.length - HEADER_LENGTH) + " body bytes that do not decode (truncated or corrupt): "
                    + e, e);
        }
    }

    private static String hex(long fingerprint) {
        return String.format("0x%016X", fingerprint);
    }

    private static int utf8Length(String s) {
        return s == null ? 0 : s.getBytes(StandardCharsets.UTF_8).length;
    }

    private interface Encoding {
        ByteBuffer run() throws IOException;
    }

    private static byte[] toBytes(Encoding encoding) {
        try {
            ByteBuffer buf = encoding.run();
            byte[] out = new byte[buf.remaining()];
            buf.get(out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("Avro encoding failed", e);
        }
    }
}
