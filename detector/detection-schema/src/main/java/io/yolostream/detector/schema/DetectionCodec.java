package io.yolostream.detector.schema;

import io.yolostream.detector.avro.Detection;
import io.yolostream.schema.AvroTrust;
import io.yolostream.schema.SchemaException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.HexFormat;

/**
 * Values of the detections topic: Avro single-object encoding of {@link Detection} ({@code C3 01} + the schema's
 * 8-byte CRC-64-AVRO fingerprint + body). Thread-safe.
 */
public final class DetectionCodec {
    static {
        AvroTrust.trustPackageOf(Detection.class);
    }

    private DetectionCodec() {
    }

    public static byte[] encode(Detection d) {
        try {
            ByteBuffer b = d.toByteBuffer();
            byte[] out = new byte[b.remaining()];
            b.get(out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("Avro encoding of detection " + d.getCameraId() + "#" + d.getSequence()
                    + " failed", e);
        }
    }

    /** The record; anything else is a {@link SchemaException} saying what was expected and found. */
    public static Detection decode(byte[] value) {
        if (value == null) {
            throw new SchemaException("detections topic value: expected a single-object encoded Detection, found"
                    + " null");
        }
        try {
            return Detection.fromByteBuffer(ByteBuffer.wrap(value));
        } catch (IOException | RuntimeException e) {
            throw new SchemaException("detections topic value: expected a single-object encoded Detection (C3 01 +"
                    + " fingerprint + body), found " + value.length + " bytes starting "
                    + HexFormat.of().formatHex(value, 0, Math.min(10, value.length)) + " that do not decode: "
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
        }
    }
}
