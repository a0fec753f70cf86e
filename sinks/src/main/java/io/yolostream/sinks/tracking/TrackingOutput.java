package io.yolostream.sinks.tracking;

import io.yolostream.sinks.avro.TrackEvent;
import io.yolostream.sinks.avro.TrackFrame;
import io.yolostream.sinks.zones.ZoneSpec;

import java.util.List;

/**
 * What the tracking processor forwards (inside the topology only, never serialized): either a frame's tracks with
 * the zones they were evaluated against (for the live view), or one event.
 */
public record TrackingOutput(TrackFrame frame, List<ZoneSpec> zones, TrackEvent event) {
    static TrackingOutput of(TrackFrame frame, List<ZoneSpec> zones) {
        return new TrackingOutput(frame, List.copyOf(zones), null);
    }

    static TrackingOutput of(TrackEvent event) {
        return new TrackingOutput(null, List.of(), event);
    }
}
