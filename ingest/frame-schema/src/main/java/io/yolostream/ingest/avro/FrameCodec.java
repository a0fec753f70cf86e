package io.yolostream.ingest.avro;

import io.yolostream.schema.SchemaException;
import io.yolostream.schema.SingleObjectCodec;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Values of the frames topic: Avro single-object encoding of {@link Frame} or {@link EndOfStream}, i.e. the bytes
 * {@code C3 01}, the writer schema's 8-byte CRC-64-AVRO fingerprint (little-endian), then the Avro binary body. No
 * schema registry: the fingerprint says which of the two records follows, and which released version of it
 * ({@link SingleObjectCodec}: every released version stays readable). Each record also carries the Kafka header
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
    public static final int HEADER_LENGTH = SingleObjectCodec.HEADER_LENGTH;
    private static final String WHAT = "frames topic value";

    private static final SingleObjectCodec<Frame> FRAMES = SingleObjectCodec.of(Frame.class);
    private static final SingleObjectCodec<EndOfStream> END_OF_STREAMS = SingleObjectCodec.of(EndOfStream.class);
    /** The fingerprints this build writes. */
    public static final long FRAME_FINGERPRINT = FRAMES.fingerprint();
    public static final long END_OF_STREAM_FINGERPRINT = END_OF_STREAMS.fingerprint();
    /** Upper bound of a Frame's encoded bytes besides the image and the two strings (varints at their widest). */
    private static final int FRAME_FIXED_OVERHEAD = HEADER_LENGTH + 3 * 10 + 2 * 5 + 2 + 3 * 5;

    private FrameCodec() {
    }

    /** The CRC-64-AVRO fingerprint of the schema's parsing canonical form, as single-object encoding writes it. */
    public static long fingerprint(Schema schema) {
        return SingleObjectCodec.fingerprint(schema);
    }

    /** The codecs, for their history checks. */
    public static List<SingleObjectCodec<?>> codecs() {
        return List.of(FRAMES, END_OF_STREAMS);
    }

    public static byte[] encode(Frame frame) {
        return FRAMES.encode(frame);
    }

    public static byte[] encode(EndOfStream endOfStream) {
        return END_OF_STREAMS.encode(endOfStream);
    }

    /** The largest {@link #encode(Frame)} can produce for a frame with these strings and image. */
    public static int encodedSizeBound(String cameraId, String sessionId, int imageBytes) {
        return FRAME_FIXED_OVERHEAD + utf8Length(cameraId) + utf8Length(sessionId) + imageBytes;
    }

    /** A {@link Frame} or an {@link EndOfStream} (of any released version), as the fingerprint says. */
    public static SpecificRecord decode(byte[] value) {
        long fp = fingerprintOf(value);
        if (FRAMES.knows(fp)) {
            return FRAMES.decodeKnown(value, WHAT);
        }
        if (END_OF_STREAMS.knows(fp)) {
            return END_OF_STREAMS.decodeKnown(value, WHAT);
        }
        throw new SchemaException(WHAT + ": expected schema fingerprint " + FRAMES.describeKnown() + " or "
                + END_OF_STREAMS.describeKnown() + ", found " + SingleObjectCodec.hex(fp)
                + " (another record type, or a version newer than this build)");
    }

    /** The value as a Frame; an EndOfStream or anything else is an error naming what was found. */
    public static Frame decodeFrame(byte[] value) {
        SpecificRecord r = decode(value);
        if (r instanceof Frame f) {
            return f;
        }
        throw new SchemaException(WHAT + ": expected a Frame, found " + r.getSchema().getName());
    }

    public static EndOfStream decodeEndOfStream(byte[] value) {
        SpecificRecord r = decode(value);
        if (r instanceof EndOfStream e) {
            return e;
        }
        throw new SchemaException(WHAT + ": expected an EndOfStream, found " + r.getSchema().getName());
    }

    /** The header's 8-byte fingerprint; fails on a value that is not single-object encoded. */
    public static long fingerprintOf(byte[] value) {
        return SingleObjectCodec.fingerprintOf(value, WHAT);
    }

    private static int utf8Length(String s) {
        return s == null ? 0 : s.getBytes(StandardCharsets.UTF_8).length;
    }
}
