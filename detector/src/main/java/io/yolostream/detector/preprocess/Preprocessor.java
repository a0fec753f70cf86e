package io.yolostream.detector.preprocess;

import java.nio.FloatBuffer;

/**
 * Turns an image into the network input: a letterboxed {@code 3 x netH x netW} CHW float plane set (RGB, 0..1,
 * padding 0.5) written at {@code offset} (in floats) into {@code dst}. Implementations must be thread-safe.
 */
public interface Preprocessor {
    void letterbox(RgbImage image, int netW, int netH, FloatBuffer dst, int offset);

    /** Short name used on the command line and in benchmark tables. */
    String name();
}
