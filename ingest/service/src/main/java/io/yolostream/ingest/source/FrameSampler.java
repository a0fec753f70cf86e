package io.yolostream.ingest.source;

/**
 * Picks which decoded frames to publish so that the output reaches the target frame rate, driven by the frames'
 * own timestamps (not the wall clock, so a replay at any speed samples the same frames).
 *
 * <p>Publication slots lie on a grid of {@code 1 / targetFps}: a frame is taken when its timestamp reaches the next
 * slot, and the slot then advances by one interval. Keeping a grid (rather than "one interval after the last frame
 * taken") keeps the average rate exact when the source rate is not a multiple of the target (30 → 7 fps takes
 * frames 0, 5, 9, 13, 18, 22, 26 of every 30). After a gap longer than an interval (variable frame rate, a stall)
 * or a timestamp going backwards (a new session, a loop) the grid restarts at the frame, so there is no burst
 * of catch-up frames. Not thread-safe: one per camera or replay run.
 */
public final class FrameSampler {
    // timestamps a hair before a slot still hit it: RTP/90 kHz and container time bases round to a few µs
    private static final long TOLERANCE_MICROS = 500;

    private final long intervalMicros;
    private long nextSlotMicros;
    private long lastMicros;
    private boolean started;

    /** @param targetFps frames per second to keep; 0 keeps every frame */
    public FrameSampler(double targetFps) {
        if (!(targetFps >= 0) || Double.isInfinite(targetFps)) {
            throw new IllegalArgumentException("target fps: expected >= 0 (0 = every frame), found " + targetFps);
        }
        this.intervalMicros = targetFps == 0 ? 0 : Math.round(1_000_000.0 / targetFps);
    }

    /** Whether the frame with this timestamp (µs) is published. Call once per decoded frame, in decoding order. */
    public boolean accept(long timestampMicros) {
        if (intervalMicros == 0) {
            return true;
        }
        boolean restart = !started || timestampMicros < lastMicros;
        lastMicros = timestampMicros;
        started = true;
        if (restart) {
            nextSlotMicros = timestampMicros + intervalMicros;
            return true;
        }
        if (timestampMicros + TOLERANCE_MICROS < nextSlotMicros) {
            return false;
        }
        nextSlotMicros += intervalMicros;
        if (nextSlotMicros + TOLERANCE_MICROS <= timestampMicros) {
            // fell behind by more than a slot (a gap in the stream): restart the grid at this frame
            nextSlotMicros = timestampMicros + intervalMicros;
        }
        return true;
    }

    /** Forgets the timestamps seen so far: the next frame is taken and starts a new grid. */
    public void reset() {
        started = false;
    }
}
