package io.yolostream.sinks.annotate;

import io.yolostream.detector.avro.Detection;
import io.yolostream.ingest.avro.Frame;

/** A frame and its detection record (same camera and sequence), as the annotator joined them. */
public record FramePair(Frame frame, Detection detection) {
    /** One side of the join on its way into the pairing processor. */
    public record Side(Frame frame, Detection detection) {
        public static Side of(Frame f) {
            return new Side(f, null);
        }

        public static Side of(Detection d) {
            return new Side(null, d);
        }
    }
}
