package io.yolostream.detector.decode;

import io.yolostream.detector.model.ModelException;

import java.util.Objects;

/**
 * Decoding thresholds, as darknet's {@code detector test} flags.
 *
 * @param thresh     objectness and class probability threshold ({@code -thresh}, darknet 0.24)
 * @param hierThresh threshold of the WordTree walk ({@code -hier}, darknet 0.5)
 * @param nms        IoU above which a lower-scoring box of the same class is suppressed (darknet 0.45); 0 turns NMS
 *                   off, as darknet's {@code if (nms)}
 * @param hierarchy  how the WordTree walk compares probabilities
 */
public record DecodeOptions(float thresh, float hierThresh, float nms, HierarchyMode hierarchy) {
    public static final DecodeOptions DEFAULTS = new DecodeOptions(0.24f, 0.5f, 0.45f, HierarchyMode.DARKNET);

    public DecodeOptions {
        Objects.requireNonNull(hierarchy, "hierarchy");
        check("thresh", thresh);
        check("hier thresh", hierThresh);
        check("nms", nms);
    }

    private static void check(String what, float value) {
        if (!(value >= 0f && value <= 1f)) {
            throw new ModelException("decode option " + what + ": expected a value in 0..1, found " + value);
        }
    }

    public DecodeOptions withThresh(float t) {
        return new DecodeOptions(t, hierThresh, nms, hierarchy);
    }

    public DecodeOptions withHierThresh(float t) {
        return new DecodeOptions(thresh, t, nms, hierarchy);
    }

    public DecodeOptions withNms(float t) {
        return new DecodeOptions(thresh, hierThresh, t, hierarchy);
    }

    public DecodeOptions withHierarchy(HierarchyMode mode) {
        return new DecodeOptions(thresh, hierThresh, nms, mode);
    }
}
