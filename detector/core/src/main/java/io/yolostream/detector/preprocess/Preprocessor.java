package io.yolostream.detector.preprocess;

import io.yolostream.detector.model.ModelException;

import java.nio.FloatBuffer;

/**
 * Turns an image into the network input: a letterboxed {@code 3 x netH x netW} CHW float plane set (RGB, 0..1,
 * padding 0.5) written at {@code offset} (in floats) into {@code dst}. Implementations must be thread-safe.
 */
public interface Preprocessor {
    void letterbox(RgbImage image, int netW, int netH, FloatBuffer dst, int offset);

    /** Short name used on the command line and in benchmark tables. */
    String name();

    /**
     * The checks every implementation makes before writing: a positive network size and room for its planes.
     *
     * @param what names the preprocessing in the message ("letterbox", "face-api preprocess")
     */
    static void checkTarget(String what, int netW, int netH, FloatBuffer dst, int offset) {
        if (netW <= 0 || netH <= 0) {
            throw new ModelException(what + " network size: expected positive width and height, found "
                    + netW + "x" + netH);
        }
        long needed = (long) offset + 3L * netW * netH;
        if (offset < 0 || needed > dst.limit()) {
            throw new ModelException(what + " destination: expected room for 3*" + netW + "*" + netH
                    + " floats at offset " + offset + " (limit >= " + needed + "), found limit " + dst.limit());
        }
    }
}
