package io.yolostream.detector.schema;

import io.yolostream.detector.avro.Detection;
import io.yolostream.schema.SchemaException;
import io.yolostream.schema.SingleObjectCodec;

/**
 * Values of the detections topic: Avro single-object encoding of {@link Detection} ({@code C3 01} + the schema's
 * 8-byte CRC-64-AVRO fingerprint + body); records of every released version of the schema decode
 * ({@link SingleObjectCodec}). Thread-safe.
 */
public final class DetectionCodec {
    private static final String WHAT = "detections topic value";
    private static final SingleObjectCodec<Detection> CODEC = SingleObjectCodec.of(Detection.class);

    private DetectionCodec() {
    }

    /** The codec (the sinks' serde and the history checks use it). */
    public static SingleObjectCodec<Detection> codec() {
        return CODEC;
    }

    public static byte[] encode(Detection d) {
        return CODEC.encode(d);
    }

    /** The record; anything else is a {@link SchemaException} saying what was expected and found. */
    public static Detection decode(byte[] value) {
        return CODEC.decode(value, WHAT);
    }
}
