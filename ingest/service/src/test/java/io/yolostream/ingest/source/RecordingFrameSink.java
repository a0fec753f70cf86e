package io.yolostream.ingest.source;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The sources' boundary in tests: a {@link FrameSink} that records every frame and end-of-stream it is given (in
 * place of the Kafka publisher) and lets a test wait for them. Thread-safe.
 */
public final class RecordingFrameSink implements FrameSink {
    /** An end-of-stream call. */
    public record EndOfStream(String cameraId, String sessionId, long frames) {
    }

    private final List<EncodedFrame> frames = new ArrayList<>();
    private final List<EndOfStream> ends = new ArrayList<>();
    private long offered;
    private long put;

    @Override
    public synchronized void offer(EncodedFrame frame) {
        frames.add(frame);
        offered++;
        notifyAll();
    }

    @Override
    public synchronized void put(EncodedFrame frame) throws InterruptedException {
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedException("put interrupted");
        }
        frames.add(frame);
        put++;
        notifyAll();
    }

    @Override
    public synchronized void endOfStream(String cameraId, String sessionId, long count) {
        ends.add(new EndOfStream(cameraId, sessionId, count));
        notifyAll();
    }

    public synchronized List<EncodedFrame> frames() {
        return List.copyOf(frames);
    }

    public synchronized List<EncodedFrame> frames(String cameraId) {
        return frames.stream().filter(f -> f.cameraId().equals(cameraId)).toList();
    }

    public synchronized List<EndOfStream> ends() {
        return List.copyOf(ends);
    }

    public synchronized long offered() {
        return offered;
    }

    public synchronized long put() {
        return put;
    }

    /** Waits until {@code count} frames of the camera match; fails the test with what arrived after the timeout. */
    public List<EncodedFrame> awaitFrames(String cameraId, Predicate<EncodedFrame> filter, int count,
                                          Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (true) {
                List<EncodedFrame> matching = frames.stream()
                        .filter(f -> f.cameraId().equals(cameraId) && filter.test(f)).toList();
                if (matching.size() >= count) {
                    return matching;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("expected " + count + " matching frames of camera " + cameraId
                            + " within " + timeout + ", found " + matching.size() + " (of "
                            + frames(cameraId).size() + " from it)");
                }
                wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    public List<EncodedFrame> awaitFrames(String cameraId, int count, Duration timeout) throws InterruptedException {
        return awaitFrames(cameraId, f -> true, count, timeout);
    }
}
