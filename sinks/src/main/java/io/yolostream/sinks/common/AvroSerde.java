package io.yolostream.sinks.common;

import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HexFormat;

/**
 * A Kafka serde for a generated Avro class in single-object encoding ({@code C3 01} + 8-byte fingerprint + body),
 * from the class's {@code getEncoder()}/{@code getDecoder()}. Unreadable bytes throw a
 * {@link SerializationException} that says what was expected and what was found (the DLQ reason).
 */
public final class AvroSerde<T> implements Serde<T> {
    private final String type;
    private final BinaryMessageEncoder<T> encoder;
    private final BinaryMessageDecoder<T> decoder;

    public AvroSerde(String type, BinaryMessageEncoder<T> encoder, BinaryMessageDecoder<T> decoder) {
        this.type = type;
        this.encoder = encoder;
        this.decoder = decoder;
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, value) -> {
            if (value == null) {
                return null;
            }
            try {
                return encoder.encode(value).array();
            } catch (IOException e) {
                throw new UncheckedIOException("Avro encoding of a " + type + " for " + topic + " failed", e);
            }
        };
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, bytes) -> {
            if (bytes == null) {
                throw new SerializationException(topic + ": expected an Avro single-object " + type
                        + ", found a null value");
            }
            try {
                return decoder.decode(bytes);
            } catch (IOException | RuntimeException e) {
                throw new SerializationException(topic + ": expected an Avro single-object " + type
                        + " (C3 01 + fingerprint + body), found " + bytes.length + " bytes starting "
                        + HexFormat.of().formatHex(bytes, 0, Math.min(10, bytes.length)) + ": "
                        + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
            }
        };
    }
}
