package io.yolostream.detector.service;

import io.yolostream.detector.preprocess.RgbImage;

import java.nio.FloatBuffer;
import java.util.List;

/**
 * A batch after stage one of the pipeline: JPEGs decoded and letterboxed into {@code input} at {@code size}, ready for
 * inference. Slots keep the batch's arrival order; only {@link Outcome#RUN} slots occupy the input, at {@code index}.
 *
 * @param input   direct buffer holding {@code runCount} images, null when nothing runs; back to the pool after use
 * @param startMs wall clock when the batch was taken from the batcher (the end of its frames' queue time)
 */
record PreparedBatch(List<Slot> slots, int size, FloatBuffer input, int runCount, long startMs, long jpegNanos,
                     long preprocessNanos) {
    enum Outcome { RUN, STALE, BAD_IMAGE, END_OF_STREAM, UNREADABLE }

    /**
     * @param index  position in the input for RUN slots, else -1
     * @param image  the decoded image of a RUN slot (its size is needed to map boxes back), else null
     * @param reason why, for STALE, BAD_IMAGE and UNREADABLE
     */
    record Slot(Incoming in, Outcome outcome, int index, RgbImage image, String reason, float jpegMs, float preMs) {
    }

    List<RgbImage> images() {
        return slots.stream().filter(s -> s.outcome() == Outcome.RUN).map(Slot::image).toList();
    }
}
