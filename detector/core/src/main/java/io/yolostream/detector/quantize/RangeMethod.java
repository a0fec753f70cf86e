package io.yolostream.detector.quantize;

import io.yolostream.detector.model.ModelException;

import java.util.Locale;

/** How an activation's quantization range is chosen from its calibration statistics. */
public enum RangeMethod {
    /** The observed minimum and maximum: no clipping, coarsest steps. */
    MINMAX,
    /** The given percentile at each end: clips rare outliers. */
    PERCENTILE,
    /** The clipping threshold that minimises the KL divergence between the fp32 and the 8-bit histograms. */
    ENTROPY;

    public static RangeMethod parse(String text) {
        try {
            return valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ModelException("calibration method: expected minmax, percentile or entropy, found '" + text + "'");
        }
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
