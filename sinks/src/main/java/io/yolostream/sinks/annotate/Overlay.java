package io.yolostream.sinks.annotate;

import java.util.List;

/**
 * What is drawn on an annotated frame besides its detections: the camera's zones and lines, and its tracks with
 * their ids and short trails. Points are pixels of the frame.
 */
public record Overlay(List<Shape> shapes, List<Mark> tracks) {
    public static final Overlay NONE = new Overlay(List.of(), List.of());

    public Overlay {
        shapes = List.copyOf(shapes);
        tracks = List.copyOf(tracks);
    }

    /** A zone (closed polygon) or a directed line (first point to second). */
    public record Shape(String name, List<double[]> points, boolean line) {
    }

    /**
     * A track: its id as drawn ({@code #12}), its box, and its trail (oldest first, ending at the box's anchor).
     *
     * @param lost not matched in this frame (drawn dashed)
     */
    public record Mark(String tag, double left, double top, double width, double height, List<double[]> trail,
                       boolean lost, String colourKey) {
    }

    public boolean isEmpty() {
        return shapes.isEmpty() && tracks.isEmpty();
    }
}
