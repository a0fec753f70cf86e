package io.yolostream.detector.quantize;

import io.yolostream.detector.decode.DetectedBox;

import java.util.List;

/**
 * How far two models' detections agree: the share of A's detections that B also finds (same label, IoU at least
 * the given threshold) and the other way round. Accumulates over images.
 */
public final class Agreement {
    private final float iou;
    private long a;
    private long b;
    private long aFoundByB;
    private long bFoundByA;

    public Agreement(float iou) {
        this.iou = iou;
    }

    /** Adds one image's detections of model A and of model B. */
    public void add(List<DetectedBox> fromA, List<DetectedBox> fromB) {
        a += fromA.size();
        b += fromB.size();
        aFoundByB += found(fromA, fromB);
        bFoundByA += found(fromB, fromA);
    }

    public void add(Agreement other) {
        a += other.a;
        b += other.b;
        aFoundByB += other.aFoundByB;
        bFoundByA += other.bFoundByA;
    }

    /** How many of {@code these} have a detection in {@code those} with the same label and IoU ≥ the threshold. */
    public int found(List<DetectedBox> these, List<DetectedBox> those) {
        int n = 0;
        for (DetectedBox d : these) {
            for (DetectedBox e : those) {
                if (d.labelId() == e.labelId() && iou(d.box(), e.box()) >= iou) {
                    n++;
                    break;
                }
            }
        }
        return n;
    }

    public static double iou(DetectedBox.Box p, DetectedBox.Box q) {
        double w = Math.min(p.left() + p.width(), q.left() + q.width()) - Math.max(p.left(), q.left());
        double h = Math.min(p.top() + p.height(), q.top() + q.height()) - Math.max(p.top(), q.top());
        if (w <= 0 || h <= 0) {
            return 0;
        }
        double inter = w * h;
        return inter / ((double) p.width() * p.height() + (double) q.width() * q.height() - inter);
    }

    public long countA() {
        return a;
    }

    public long countB() {
        return b;
    }

    public long aFoundByB() {
        return aFoundByB;
    }

    public long bFoundByA() {
        return bFoundByA;
    }

    /** Share of A's detections that B finds; 1 when A has none (nothing to miss). */
    public double aInB() {
        return a == 0 ? 1 : (double) aFoundByB / a;
    }

    public double bInA() {
        return b == 0 ? 1 : (double) bFoundByA / b;
    }
}
