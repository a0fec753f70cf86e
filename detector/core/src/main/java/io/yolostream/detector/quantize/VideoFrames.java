package io.yolostream.detector.quantize;

import io.yolostream.detector.preprocess.RgbImage;

import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Reads frames of a video file for {@link SampledFrames}. The model core decodes no video itself (it would carry
 * FFmpeg's natives to every library user); {@code yolostream-model-video} implements this with FFmpeg.
 */
public interface VideoFrames {
    /** Frames the container's header announces (0 when it does not say); fails with a message naming the file. */
    long frameCount(Path video);

    /** Gives every {@code step}-th frame from the first, at most {@code limit}; returns how many it gave. */
    int read(Path video, int step, int limit, Consumer<RgbImage> action);
}
