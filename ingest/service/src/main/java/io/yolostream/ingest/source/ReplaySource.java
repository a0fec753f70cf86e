package io.yolostream.ingest.source;

import io.yolostream.ingest.IngestException;
import io.yolostream.ingest.avro.SourceKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Replays a recorded video as a camera ({@code yolostream ingest --replay FILE --camera-id ID [--speed 1|2|max]
 * [--loop]}): decodes the file, samples it to the camera's fps, shrinks and JPEG-encodes like a live camera, and
 * {@link FrameSink#put puts} every sampled frame (waiting for the sink: a replay loses nothing), paced at the chosen
 * speed by the frames' pts. Capture time = the run's start (wall clock) + the frame's pts since the first frame.
 * Each run gets a new session id and ends with {@link FrameSink#endOfStream} carrying its frame count; with
 * {@code loop} the file plays again until the thread is interrupted.
 */
public final class ReplaySource {
    private static final Logger LOG = LoggerFactory.getLogger(ReplaySource.class);
    private static final long PROGRESS_EVERY_NANOS = 200_000_000L;

    /**
     * Where a replay stands, for a progress bar.
     *
     * @param run           1 for the first pass through the file, 2 for the second (with loop), ...
     * @param frames        frames published in this run
     * @param totalEstimate frames this run will publish, estimated from the container's duration and frame rate;
     *                      0 when unknown
     * @param fps           frames published per second since the replay started
     * @param eta           time left in this run at that rate; null when unknown
     * @param done          this run has ended (its end-of-stream record is acknowledged)
     */
    public record Progress(int run, long frames, long totalEstimate, double fps, Duration eta, boolean done) {
    }

    /** The whole replay: every run together. */
    public record Summary(String cameraId, int runs, long frames, long framesDecoded, Duration elapsed, double fps,
                          String lastSessionId) {
    }

    private final CameraSpec spec;
    private final ReplaySpeed speed;
    private final boolean loop;
    private final FrameSink sink;
    private final VideoSource.Options options;

    public ReplaySource(CameraSpec spec, ReplaySpeed speed, boolean loop, FrameSink sink,
                        VideoSource.Options options) {
        if (spec.isLive()) {
            throw new IngestException("replay of camera " + spec.id() + ": expected a video file, found the live URL "
                    + spec.maskedUrl());
        }
        this.spec = spec;
        this.speed = speed;
        this.loop = loop;
        this.sink = sink;
        this.options = options;
    }

    public ReplaySource(CameraSpec spec, ReplaySpeed speed, boolean loop, FrameSink sink) {
        this(spec, speed, loop, sink, VideoSource.Options.defaults());
    }

    /**
     * Plays the file once (or forever with loop) on the calling thread. An unreadable or corrupt file fails with an
     * {@link IngestException} naming it and quoting ffmpeg.
     */
    public Summary run(Consumer<Progress> progress) throws InterruptedException {
        long startNanos = System.nanoTime();
        long frames = 0;
        long decoded = 0;
        int runs = 0;
        String sessionId = null;
        try (SampledJpegEncoder encoder = SampledJpegEncoder.of(spec)) {
            do {
                runs++;
                sessionId = UUID.randomUUID().toString();
                RunResult result = playOnce(encoder, sessionId, runs, startNanos, frames, progress);
                frames += result.frames();
                decoded += result.decoded();
            } while (loop && !Thread.currentThread().isInterrupted());
        }
        if (Thread.interrupted()) {
            throw new InterruptedException("replay of " + spec.url() + " interrupted");
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
        return new Summary(spec.id(), runs, frames, decoded, elapsed, rate(frames, elapsed.toNanos()), sessionId);
    }

    private record RunResult(long frames, long decoded) {
    }

    private RunResult playOnce(SampledJpegEncoder encoder, String sessionId, int run, long replayStartNanos,
                               long framesBefore, Consumer<Progress> progress) throws InterruptedException {
        try (VideoSource source = new VideoSource(spec.url(), options)) {
            source.start();
            long estimate = estimateSampledFrames(source);
            LOG.debug("replay " + spec.id() + " run " + run + ": " + source.describeInput() + ", "
                    + source.width() + "x" + source.height() + " at " + source.frameRate() + " fps, ~" + estimate
                    + " frames to publish, session " + sessionId);
            encoder.reset();
            long runStartMillis = System.currentTimeMillis();
            long runStartNanos = System.nanoTime();
            long firstTimestamp = Long.MIN_VALUE;
            long frames = 0;
            long lastProgress = 0;
            DecodedFrame frame;
            while ((frame = source.grab()) != null) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedException("replay of " + spec.url() + " interrupted");
                }
                if (firstTimestamp == Long.MIN_VALUE) {
                    firstTimestamp = frame.timestampMicros();
                }
                SampledJpegEncoder.Jpeg jpeg = encoder.encodeIfSampled(frame);
                if (jpeg == null) {
                    continue;
                }
                long sinceFirstMicros = frame.timestampMicros() - firstTimestamp;
                pace(runStartNanos, sinceFirstMicros);
                sink.put(new EncodedFrame(spec.id(), sessionId, SourceKind.REPLAY,
                        runStartMillis + sinceFirstMicros / 1000, frame.ptsMicros(), jpeg.width(), jpeg.height(),
                        encoder.quality(), jpeg.bytes()));
                frames++;
                long now = System.nanoTime();
                if (progress != null && now - lastProgress >= PROGRESS_EVERY_NANOS) {
                    lastProgress = now;
                    progress.accept(progress(run, frames, estimate, framesBefore + frames, now - replayStartNanos,
                            false));
                }
            }
            if (frames == 0) {
                throw new IngestException(source.describeInput() + ": expected video frames, found none that decode"
                        + " (" + source.framesDecoded() + " decoded)");
            }
            sink.endOfStream(spec.id(), sessionId, frames);
            if (progress != null) {
                progress.accept(progress(run, frames, estimate, framesBefore + frames,
                        System.nanoTime() - replayStartNanos, true));
            }
            return new RunResult(frames, source.framesDecoded());
        }
    }

    /** Sleeps until the frame is due at the replay speed (never at max). */
    private void pace(long runStartNanos, long sinceFirstMicros) throws InterruptedException {
        if (speed.isMax()) {
            return;
        }
        long dueNanos = runStartNanos + (long) (sinceFirstMicros * 1000 / speed.factor());
        long waitNanos = dueNanos - System.nanoTime();
        if (waitNanos > 1_000_000) {
            Thread.sleep(waitNanos / 1_000_000, (int) (waitNanos % 1_000_000));
        }
    }

    private long estimateSampledFrames(VideoSource source) {
        double seconds = source.durationMicros() / 1e6;
        long sourceFrames = source.lengthInFrames();
        if (sourceFrames <= 0 && seconds > 0 && source.frameRate() > 0) {
            sourceFrames = Math.round(seconds * source.frameRate());
        }
        if (spec.targetFps() > 0 && seconds > 0 && spec.targetFps() < source.frameRate()) {
            return Math.min(sourceFrames, (long) Math.ceil(seconds * spec.targetFps()));
        }
        return sourceFrames;
    }

    private static Progress progress(int run, long frames, long estimate, long allFrames, long elapsedNanos,
                                     boolean done) {
        double fps = rate(allFrames, elapsedNanos);
        Duration eta = null;
        if (done) {
            eta = Duration.ZERO;
        } else if (estimate > 0 && fps > 0) {
            eta = Duration.ofMillis((long) (Math.max(0, estimate - frames) / fps * 1000));
        }
        return new Progress(run, frames, estimate, fps, eta, done);
    }

    private static double rate(long frames, long nanos) {
        return nanos <= 0 ? 0 : frames * 1e9 / nanos;
    }
}
