package io.yolostream.sinks.track;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * What the zone logic remembers of one track (kept with the track so that it is saved and restored with it): the
 * zones it is in and since when, the side of each line it was last clearly on, and the zones whose dwell limit it has
 * already been reported over (once per stay).
 */
public final class ZoneMemory {
    public final Map<String, Long> insideSince = new LinkedHashMap<>();
    public final Map<String, Integer> lineSide = new LinkedHashMap<>();
    public final Set<String> dwellReported = new LinkedHashSet<>();
}
