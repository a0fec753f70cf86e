package io.yolostream.kafka;

/** Kafka was not reachable, or a topic was missing or not as needed: the message names the broker and topic. */
public class KafkaSetupException extends RuntimeException {
    public KafkaSetupException(String message) {
        super(message);
    }

    public KafkaSetupException(String message, Throwable cause) {
        super(message, cause);
    }
}
