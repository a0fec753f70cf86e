package io.yolostream.sinks.common;

/** The sinks service cannot start or has stopped: the message names the input, what was expected and found. */
public class SinksException extends RuntimeException {
    public SinksException(String message) {
        super(message);
    }

    public SinksException(String message, Throwable cause) {
        super(message, cause);
    }
}
