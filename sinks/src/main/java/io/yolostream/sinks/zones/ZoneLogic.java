package io.yolostream.sinks.zones;

import io.yolostream.sinks.avro.ZoneKind;
import io.yolostream.sinks.track.ZoneMemory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Zone and line events of one track, from its anchor point: the bottom centre of its smoothed box (where an object
 * touches the ground). Memberships change only on frames in which the track was matched (a lost track's predicted
 * position does not enter or leave zones); the dwell limit is checked on every frame.
 * <ul>
 * <li>A zone is ENTERED when the anchor is inside its polygon and was not, LEFT when it is outside again (with the
 * time spent inside) or when the track ends inside it (at the time it was last seen); DWELL once per stay when the
 * time inside passes the zone's limit.</li>
 * <li>A line is CROSSED when the anchor moves from one side to the other while its projection falls on the line
 * segment: {@code forward} from its left to its right (looking from its first point to its second, on the image),
 * {@code backward} the other way. A dead band of 5% of the box's larger side (at least 2 px) either side of the line
 * keeps jitter on the line from counting crossings back and forth.</li>
 * </ul>
 */
public final class ZoneLogic {
    /** Dead band around lines, fraction of the box's larger side. */
    static final double LINE_MARGIN = 0.05;

    private ZoneLogic() {
    }

    /**
     * One frame of a track.
     *
     * @param seen     the track was matched in this frame (memberships may change)
     * @param inZones  gets the ids of the zones the anchor is in after this frame
     * @param crossed  gets {@code <line>:<direction>} for each line crossed in this frame
     */
    public static List<ZoneEvent> update(ZoneMemory mem, double x, double y, double scale, long timeMs, boolean seen,
                                         List<ZoneSpec> zones, int width, int height, List<String> inZones,
                                         List<String> crossed) {
        List<ZoneEvent> out = new ArrayList<>();
        Set<String> live = new HashSet<>();
        for (ZoneSpec z : zones) {
            live.add(z.id());
            List<Point> px = z.pixels(width, height);
            if (px == null) {
                if (mem.insideSince.containsKey(z.id())) {
                    inZones.add(z.id());
                }
                continue;
            }
            if (z.kind() == ZoneKind.ZONE) {
                Long since = mem.insideSince.get(z.id());
                if (seen) {
                    boolean in = Geometry.inside(px, x, y);
                    if (in && since == null) {
                        mem.insideSince.put(z.id(), timeMs);
                        mem.dwellReported.remove(z.id());
                        since = timeMs;
                        out.add(new ZoneEvent(ZoneEvent.Kind.ENTERED, z, null, timeMs, null));
                    } else if (!in && since != null) {
                        mem.insideSince.remove(z.id());
                        mem.dwellReported.remove(z.id());
                        out.add(new ZoneEvent(ZoneEvent.Kind.LEFT, z, null, timeMs, timeMs - since));
                        since = null;
                    }
                }
                if (since != null) {
                    inZones.add(z.id());
                    if (z.dwellLimitMs() != null && timeMs - since > z.dwellLimitMs()
                            && mem.dwellReported.add(z.id())) {
                        out.add(new ZoneEvent(ZoneEvent.Kind.DWELL, z, null, timeMs, timeMs - since));
                    }
                }
            } else if (seen) {
                Point a = px.get(0);
                Point b = px.get(1);
                double d = Geometry.side(a, b, x, y);
                double margin = Math.max(2, LINE_MARGIN * scale);
                int side = d > margin ? 1 : d < -margin ? -1 : 0;
                if (side == 0) {
                    continue;
                }
                Integer before = mem.lineSide.put(z.id(), side);
                double t = Geometry.along(a, b, x, y);
                if (before != null && before != side && t >= 0 && t <= 1) {
                    String dir = side > 0 ? "forward" : "backward";
                    crossed.add(z.id() + ":" + dir);
                    out.add(new ZoneEvent(ZoneEvent.Kind.CROSSED, z, dir, timeMs, null));
                }
            }
        }
        // zones that were deleted: forget them (no event: the zone is gone, not the track)
        mem.insideSince.keySet().retainAll(live);
        mem.lineSide.keySet().retainAll(live);
        mem.dwellReported.retainAll(live);
        return out;
    }

    /** The track ended: LEFT for every zone it was in, at {@code lastSeenMs}. */
    public static List<ZoneEvent> end(ZoneMemory mem, long lastSeenMs, List<ZoneSpec> zones) {
        List<ZoneEvent> out = new ArrayList<>();
        for (ZoneSpec z : zones) {
            Long since = mem.insideSince.remove(z.id());
            if (since != null) {
                out.add(new ZoneEvent(ZoneEvent.Kind.LEFT, z, null, lastSeenMs, Math.max(0, lastSeenMs - since)));
            }
        }
        mem.insideSince.clear();
        mem.lineSide.clear();
        mem.dwellReported.clear();
        return out;
    }
}
