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
     * @param image  the decoded image of a RUN slot, possibly at a reduced scale, else null
     * @param frameWidth  the frame's width in pixels (boxes are mapped back to it), 0 unless RUN
     * @param frameHeight the frame's height in pixels, 0 unless RUN
     * @param reason why, for STALE, BAD_IMAGE and UNREADABLE
     */
    record Slot(Incoming in, Outcome outcome, int index, RgbImage image, int frameWidth, int frameHeight,
                String reason, float jpegMs, float preMs) {
    }

    /** The RUN slots' frame widths, in input order. */
    int[] frameWidths() {
        return slots.stream().filter(s -> s.outcome() == Outcome.RUN).mapToInt(Slot::frameWidth).toArray();
    }

    /** The RUN slots' frame heights, in input order. */
    int[] frameHeights() {
        return slots.stream().filter(s -> s.outcome() == Outcome.RUN).mapToInt(Slot::frameHeight).toArray();
    }
}
