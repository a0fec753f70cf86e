package io.yolostream.schema;

/** A record that does not decode as any known version of its schema: the message names the topic value and why. */
public class SchemaException extends RuntimeException {
    public SchemaException(String message) {
        super(message);
    }

    public SchemaException(String message, Throwable cause) {
        super(message, cause);
    }
}
