package io.yolostream.sinks.zones;

import io.yolostream.sinks.avro.ZoneCoordinates;
import io.yolostream.sinks.avro.ZoneKind;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A zone (polygon) or a directed line of one camera.
 *
 * @param id          unique per camera, {@code [A-Za-z0-9._-]{1,64}}
 * @param name        display name, may be null
 * @param points      a ZONE: 3 or more (the polygon, closed implicitly); a LINE: 2, from its first to its second
 * @param dwellLimitMs a ZONE's dwell limit (DWELL events), null for none
 */
public record ZoneSpec(String camera, String id, ZoneKind kind, String name, ZoneCoordinates coordinates,
                       List<Point> points, Long dwellLimitMs) {
    public static final String ID_PATTERN = "[A-Za-z0-9._-]{1,64}";
    /** Points per zone at most (a polygon, not a drawing). */
    public static final int MAX_POINTS = 64;

    public ZoneSpec {
        points = List.copyOf(points);
    }

    /** The topic key: {@code <camera>/<id>} (ids have no '/', so the last one splits it). */
    public String key() {
        return key(camera, id);
    }

    public static String key(String camera, String id) {
        return camera + "/" + id;
    }

    /** What is wrong with it, each naming the zone, what was expected and what was found; empty when valid. */
    public List<String> problems() {
        List<String> p = new ArrayList<>();
        String what = "zone " + (camera == null ? "?" : camera) + "/" + id;
        if (camera == null || camera.isBlank() || camera.length() > 255) {
            p.add(what + ": expected a camera id (1 to 255 characters), found '" + camera + "'");
        }
        if (id == null || !id.matches(ID_PATTERN)) {
            p.add(what + ": expected an id of " + ID_PATTERN + ", found '" + id + "'");
        }
        if (kind == null) {
            p.add(what + ": expected a kind, zone or line, found none");
        } else if (kind == ZoneKind.LINE && points.size() != 2) {
            p.add(what + ": expected a line of 2 points, found " + points.size());
        } else if (kind == ZoneKind.ZONE && (points.size() < 3 || points.size() > MAX_POINTS)) {
            p.add(what + ": expected a polygon of 3 to " + MAX_POINTS + " points, found " + points.size());
        }
        for (Point pt : points) {
            if (!Double.isFinite(pt.x()) || !Double.isFinite(pt.y())) {
                p.add(what + ": expected finite coordinates, found " + pt);
            } else if (coordinates == ZoneCoordinates.NORMALIZED
                    && (pt.x() < 0 || pt.x() > 1 || pt.y() < 0 || pt.y() > 1)) {
                p.add(what + ": expected normalized coordinates in 0..1, found (" + pt.x() + ", " + pt.y() + ")");
            } else if (coordinates == ZoneCoordinates.PIXEL && (pt.x() < 0 || pt.y() < 0 || pt.x() > 100_000
                    || pt.y() > 100_000)) {
                p.add(what + ": expected pixel coordinates in 0..100000, found (" + pt.x() + ", " + pt.y() + ")");
            }
        }
        if (kind == ZoneKind.LINE && points.size() == 2 && points.get(0).equals(points.get(1))) {
            p.add(what + ": expected a line between two different points, found one point twice");
        }
        if (dwellLimitMs != null && (dwellLimitMs <= 0 || kind == ZoneKind.LINE)) {
            p.add(what + ": expected a dwell limit above 0 on a zone (not a line), found " + dwellLimitMs + " ms on a "
                    + String.valueOf(kind).toLowerCase(Locale.ROOT));
        }
        if (name != null && name.length() > 200) {
            p.add(what + ": expected a name of at most 200 characters, found " + name.length());
        }
        return p;
    }

    /**
     * The points in pixels of a frame of this size; null when the coordinates are normalized and the size is
     * unknown (0).
     */
    public List<Point> pixels(int width, int height) {
        if (coordinates == ZoneCoordinates.PIXEL) {
            return points;
        }
        if (width <= 0 || height <= 0) {
            return null;
        }
        List<Point> out = new ArrayList<>(points.size());
        for (Point pt : points) {
            out.add(new Point(pt.x() * width, pt.y() * height));
        }
        return out;
    }
}
