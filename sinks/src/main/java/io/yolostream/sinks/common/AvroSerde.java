package io.yolostream.sinks.common;

import io.yolostream.schema.SchemaException;
import io.yolostream.schema.SingleObjectCodec;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.util.HexFormat;

/**
 * A Kafka serde for a generated Avro class in single-object encoding ({@code C3 01} + 8-byte fingerprint + body),
 * through its {@link SingleObjectCodec}: every released version of the schema decodes. Unreadable bytes throw a
 * {@link SerializationException} that says what was expected and what was found (the DLQ reason).
 */
public final class AvroSerde<T> implements Serde<T> {
    private final SingleObjectCodec<T> codec;

    public AvroSerde(SingleObjectCodec<T> codec) {
        this.codec = codec;
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, value) -> value == null ? null : codec.encode(value);
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, bytes) -> {
            if (bytes == null) {
                throw new SerializationException(topic + ": expected an Avro single-object " + codec.name()
                        + ", found a null value");
            }
            try {
                return codec.decode(bytes, "the value");
            } catch (SchemaException e) {
                throw new SerializationException(topic + ": expected an Avro single-object " + codec.name()
                        + " (C3 01 + fingerprint + body), found " + bytes.length + " bytes starting "
                        + HexFormat.of().formatHex(bytes, 0, Math.min(10, bytes.length)) + ": " + e.getMessage(), e);
            }
        };
    }
}
