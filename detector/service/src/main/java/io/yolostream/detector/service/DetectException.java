package io.yolostream.detector.service;

/** The detect service cannot start or go on (broker, topic, fencing); the message says what was expected and found. */
public class DetectException extends RuntimeException {
    public DetectException(String message) {
        super(message);
    }

    public DetectException(String message, Throwable cause) {
        super(message, cause);
    }
}
