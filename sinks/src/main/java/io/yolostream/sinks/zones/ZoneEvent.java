package io.yolostream.sinks.zones;

/**
 * A track entered or left a zone, crossed a line, or stayed in a zone past its dwell limit.
 *
 * @param direction CROSSED: {@code forward} or {@code backward}; else null
 * @param dwellMs   LEFT and DWELL: time in the zone; else null
 */
public record ZoneEvent(Kind kind, ZoneSpec zone, String direction, long timeMs, Long dwellMs) {
    public enum Kind {
        ENTERED, LEFT, CROSSED, DWELL
    }
}
