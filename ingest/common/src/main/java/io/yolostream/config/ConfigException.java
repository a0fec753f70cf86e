package io.yolostream.config;

/** Configuration problems, all of them in one message. */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
