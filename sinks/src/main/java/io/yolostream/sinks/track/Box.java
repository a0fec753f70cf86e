package io.yolostream.sinks.track;

/** An axis-aligned box in pixels of the frame: left, top, width, height (the detector's convention). */
public record Box(double left, double top, double width, double height) {
    public static Box ofCenter(double cx, double cy, double w, double h) {
        return new Box(cx - w / 2, cy - h / 2, w, h);
    }

    public double cx() {
        return left + width / 2;
    }

    public double cy() {
        return top + height / 2;
    }

    public double right() {
        return left + width;
    }

    public double bottom() {
        return top + height;
    }

    public double area() {
        return Math.max(0, width) * Math.max(0, height);
    }

    /** Intersection over union, 0 for disjoint or empty boxes. */
    public double iou(Box o) {
        double iw = Math.min(right(), o.right()) - Math.max(left, o.left);
        double ih = Math.min(bottom(), o.bottom()) - Math.max(top, o.top);
        if (iw <= 0 || ih <= 0) {
            return 0;
        }
        double inter = iw * ih;
        double union = area() + o.area() - inter;
        return union <= 0 ? 0 : inter / union;
    }
}
