package io.yolostream.sinks.zones;

import io.yolostream.sinks.common.SinksException;

/** A zone definition is invalid: the message names it, what was expected and what was found. */
public class ZoneException extends SinksException {
    public ZoneException(String message) {
        super(message);
    }
}
