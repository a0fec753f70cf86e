package io.yolostream.sinks.zones;

/** A point in image coordinates (y downwards), pixels or fractions of the frame. */
public record Point(double x, double y) {
}
