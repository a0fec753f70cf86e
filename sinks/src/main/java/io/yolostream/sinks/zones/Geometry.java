package io.yolostream.sinks.zones;

import java.util.List;

/** Plane geometry in image coordinates (y downwards). */
public final class Geometry {
    private Geometry() {
    }

    /** Whether (x, y) is inside the polygon (even-odd rule; a point on an edge may go either way). */
    public static boolean inside(List<Point> polygon, double x, double y) {
        boolean in = false;
        int n = polygon.size();
        for (int i = 0, j = n - 1; i < n; j = i++) {
            Point a = polygon.get(i);
            Point b = polygon.get(j);
            if ((a.y() > y) != (b.y() > y) && x < (b.x() - a.x()) * (y - a.y()) / (b.y() - a.y()) + a.x()) {
                in = !in;
            }
        }
        return in;
    }

    /**
     * Signed distance of (x, y) from the line through a and b, in pixels: positive on the right of a→b as seen on
     * the image (y downwards: for a line pointing right, below it), negative on the left.
     */
    public static double side(Point a, Point b, double x, double y) {
        double dx = b.x() - a.x();
        double dy = b.y() - a.y();
        double len = Math.hypot(dx, dy);
        return len == 0 ? 0 : (dx * (y - a.y()) - dy * (x - a.x())) / len;
    }

    /** Where (x, y) projects onto a→b: 0 at a, 1 at b. */
    public static double along(Point a, Point b, double x, double y) {
        double dx = b.x() - a.x();
        double dy = b.y() - a.y();
        double len2 = dx * dx + dy * dy;
        return len2 == 0 ? 0 : ((x - a.x()) * dx + (y - a.y()) * dy) / len2;
    }
}
