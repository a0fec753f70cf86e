package io.yolostream.sinks.track;

/** A node of a track's label path with its accumulated support (0..1). */
public record LabelSupport(String key, String name, String wordnetId, int labelId, double support) {
}
