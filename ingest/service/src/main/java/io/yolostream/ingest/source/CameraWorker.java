package io.yolostream.ingest.source;

import io.yolostream.config.UrlMasker;
import io.yolostream.ingest.IngestException;
import io.yolostream.ingest.avro.SourceKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

import java.time.Instant;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One camera on its own thread ({@code camera-<id>}, daemon): connect, decode, sample, shrink, JPEG-encode and
 * {@link FrameSink#offer offer} each kept frame; on a failed connect, a lost stream (null grab), a stall past the
 * {@code timeout} or any error: mark it disconnected, keep the (masked) error, wait per the {@link ReconnectPolicy}
 * and connect again, forever, until {@link #close()}. Each connect gets a new session id; capture time is the wall
 * clock when the frame was decoded. Cameras share nothing but the sink, so one that fails, stalls or sends garbage
 * cannot slow another.
 *
 * <p>A camera whose URL is a file (not rtsp/http) plays it at real-time speed in a loop, with LIVE semantics (wall
 * clock capture times, frames offered, not put): a demo camera. Each pass through the file is a new session; reaching
 * the end of the file is not a failure.
 */
public final class CameraWorker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CameraWorker.class);

    private enum SessionEnd { FAILED, END_OF_FILE, CLOSED }

    private record Connection(boolean connected, String sessionId, Instant since, int width, int height) {
    }

    private record Failure(String message, Instant at) {
    }

    private final CameraSpec spec;
    private final FrameSink sink;
    private final VideoSource.Options options;
    private final ReconnectPolicy policy;
    private final Thread thread;
    private final long originNanos = System.nanoTime();
    private final RateMeter decodedRate = new RateMeter(originNanos);
    private final RateMeter sampledRate = new RateMeter(originNanos);
    private volatile boolean closed;
    // written by the camera thread only, read by snapshot()
    private volatile Connection connection = new Connection(false, null, Instant.now(), 0, 0);
    private volatile Failure lastFailure;
    private volatile long framesDecoded;
    private volatile long lastFrameMillis;
    private volatile long framesSampled;
    private volatile long decodeErrors;
    private volatile long reconnects;

    private CameraWorker(CameraSpec spec, FrameSink sink, VideoSource.Options options, ReconnectPolicy policy) {
        this.spec = spec;
        this.sink = sink;
        this.options = options;
        this.policy = policy;
        this.thread = new Thread(this::run, "camera-" + spec.id());
        thread.setDaemon(true);
    }

    /** Starts a camera with the given decoder options and reconnect policy. */
    public static CameraWorker start(CameraSpec spec, FrameSink sink, VideoSource.Options options,
                                     ReconnectPolicy policy) {
        CameraWorker worker = new CameraWorker(spec, sink, options, policy);
        worker.thread.start();
        return worker;
    }

    /** Starts a camera with the default options (5 s timeout, 0.5 s .. 30 s backoff). */
    public static CameraWorker start(CameraSpec spec, FrameSink sink) {
        return start(spec, sink, VideoSource.Options.defaults(), ReconnectPolicy.defaults());
    }

    public CameraSpec spec() {
        return spec;
    }

    public CameraStats snapshot() {
        long now = System.nanoTime();
        Connection c = connection;
        Failure f = lastFailure;
        return new CameraStats(spec.id(), spec.maskedUrl(), SourceKind.LIVE, c.connected(), c.sessionId(), c.since(),
                decodedRate.perSecond(now), sampledRate.perSecond(now), framesDecoded, framesSampled, decodeErrors,
                reconnects, f == null ? null : f.message(), f == null ? null : f.at(),
                lastFrameMillis == 0 ? null : Instant.ofEpochMilli(lastFrameMillis), c.width(), c.height());
    }

    private void run() {
        Backoff backoff = new Backoff(policy, ThreadLocalRandom.current());
        try (SampledJpegEncoder encoder = SampledJpegEncoder.of(spec)) {
            boolean retry = false;
            SessionEnd end = null;
            while (!closed) {
                if (retry) {
                    reconnects++;
                }
                end = runSession(encoder, backoff, end == SessionEnd.END_OF_FILE);
                retry = end == SessionEnd.FAILED;
                if (retry && !closed) {
                    Thread.sleep(backoff.next().toMillis());
                }
            }
        } catch (InterruptedException e) {
            // close() interrupts a backoff wait
        } catch (RuntimeException | Error e) {
            // not a stream failure (those are retried in runSession): the camera cannot run at all
            fail("camera " + spec.id() + " stopped: " + describe(e), e);
        } finally {
            setDisconnected();
        }
    }

    /** @param looped the previous session played the file to its end: this one plays it again (logged quietly) */
    private SessionEnd runSession(SampledJpegEncoder encoder, Backoff backoff, boolean looped)
            throws InterruptedException {
        try (VideoSource source = new VideoSource(spec.url(), options, spec.transport())) {
            long connectStart = System.nanoTime();
            try {
                source.start();
            } catch (IngestException e) {
                // ffmpeg words a server that accepts but never answers as "Invalid data found": say what happened
                boolean timedOut = source.isNetwork() && System.nanoTime() - connectStart >= stallNanos();
                fail("camera " + spec.id() + ": " + (timedOut ? String.format(Locale.ROOT,
                        "no answer within %.1f s (timeout); ", options.timeout().toMillis() / 1000.0) : "")
                        + e.getMessage(), null);
                return SessionEnd.FAILED;
            }
            String sessionId = UUID.randomUUID().toString();
            connection = new Connection(true, sessionId, Instant.now(), source.width(), source.height());
            LOG.atLevel(looped ? Level.DEBUG : Level.INFO).log("camera " + spec.id() + (looped ? " plays again "
                    : " connected to ") + spec.maskedUrl() + " (" + source.width() + "x" + source.height()
                    + (source.rtspTransport() == null ? "" : ", RTSP over " + source.rtspTransport())
                    + ", session " + sessionId + ")");
            encoder.reset();
            return stream(source, encoder, sessionId, backoff);
        } catch (IngestException e) {
            fail("camera " + spec.id() + ": " + e.getMessage(), null);
            return SessionEnd.FAILED;
        } catch (RuntimeException e) {
            decodeErrors++;
            fail("camera " + spec.id() + " (" + spec.maskedUrl() + "): " + describe(e), e);
            return SessionEnd.FAILED;
        } finally {
            setDisconnected();
        }
    }

    private SessionEnd stream(VideoSource source, SampledJpegEncoder encoder, String sessionId, Backoff backoff)
            throws InterruptedException {
        long sessionStart = System.nanoTime();
        long firstTimestamp = Long.MIN_VALUE;
        long lastTimestamp = 0;
        // a network read that waited out ffmpeg's timeout: the stream stalled. Abandon it at once: ffmpeg would
        // flush its decoder, hand out the buffered frames one timeout at a time and then, if data flows again, loop
        // inside JavaCV's grab without ever producing a frame.
        long stallNanos = stallNanos();
        boolean healthy = false;
        while (!closed) {
            long before = System.nanoTime();
            DecodedFrame frame;
            try {
                frame = source.grab();
            } catch (IngestException e) {
                decodeErrors++;
                fail("camera " + spec.id() + ": " + e.getMessage(), null);
                return SessionEnd.FAILED;
            }
            long now = System.nanoTime();
            if (source.isNetwork() && now - before >= stallNanos && !closed) {
                fail(String.format(Locale.ROOT, "camera %s (%s): no data for %.1f s (timeout)", spec.id(),
                        spec.maskedUrl(), options.timeout().toMillis() / 1000.0), null);
                return SessionEnd.FAILED;
            }
            if (frame == null) {
                if (!source.isNetwork() && firstTimestamp != Long.MIN_VALUE) {
                    // the file's last frame is shown for one frame interval before the file plays again: a
                    // still image (one frame) is a camera at its fps, not a loop as fast as ffmpeg opens it
                    paceFile(sessionStart, lastTimestamp - firstTimestamp + frameIntervalMicros(source));
                }
                return streamEnded(source);
            }
            long captureMillis = System.currentTimeMillis();
            lastFrameMillis = captureMillis;
            framesDecoded++;
            decodedRate.mark(now);
            if (!source.isNetwork()) {
                firstTimestamp = firstTimestamp == Long.MIN_VALUE ? frame.timestampMicros() : firstTimestamp;
                lastTimestamp = frame.timestampMicros();
                paceFile(sessionStart, frame.timestampMicros() - firstTimestamp);
            }
            SampledJpegEncoder.Jpeg jpeg;
            try {
                jpeg = encoder.encodeIfSampled(frame);
            } catch (RuntimeException e) {
                decodeErrors++;
                fail("camera " + spec.id() + ": frame at pts " + frame.ptsMicros() + " µs not encoded: "
                        + describe(e), null);
                continue;
            }
            if (jpeg != null && !closed) {
                sink.offer(new EncodedFrame(spec.id(), sessionId, SourceKind.LIVE, captureMillis, frame.ptsMicros(),
                        jpeg.width(), jpeg.height(), encoder.quality(), jpeg.bytes()));
                framesSampled++;
                sampledRate.mark(now);
            }
            if (!healthy && now - sessionStart >= policy.healthyAfter().toNanos()) {
                healthy = true;
                backoff.reset();
            }
        }
        return SessionEnd.CLOSED;
    }

    private SessionEnd streamEnded(VideoSource source) {
        if (closed) {
            return SessionEnd.CLOSED;
        }
        if (!source.isNetwork() && source.framesDecoded() > 0) {
            return SessionEnd.END_OF_FILE; // play the file again
        }
        String reason = source.isNetwork() ? "the stream ended (connection closed by the server or lost)"
                : "the file has no decodable video frame";
        fail("camera " + spec.id() + " (" + spec.maskedUrl() + "): " + reason + " after " + source.framesDecoded()
                + " frames", null);
        return SessionEnd.FAILED;
    }

    /** A network wait this long means ffmpeg's timeout fired (it polls in 100 ms steps up to the timeout). */
    private long stallNanos() {
        return options.timeout().toNanos() * 95 / 100;
    }

    /** One frame's time in a file camera: at the camera's fps, else the file's frame rate, else 25 fps. */
    private long frameIntervalMicros(VideoSource source) {
        double fps = spec.targetFps() > 0 ? spec.targetFps() : source.frameRate() > 0 ? source.frameRate() : 25;
        return Math.round(1_000_000 / Math.min(fps, 240));
    }

    /** A file camera plays at the speed it was recorded: wait until the frame's time since the file's start. */
    private void paceFile(long sessionStartNanos, long sinceStartMicros) throws InterruptedException {
        long waitNanos = sessionStartNanos + sinceStartMicros * 1000 - System.nanoTime();
        if (waitNanos > 1_000_000) {
            Thread.sleep(waitNanos / 1_000_000, (int) (waitNanos % 1_000_000));
        }
    }

    private void fail(String message, Throwable e) {
        String masked = UrlMasker.maskAll(message);
        Failure previous = lastFailure;
        lastFailure = new Failure(masked, Instant.now());
        // a failure that repeats on every retry is logged once at WARN, then quietly
        Level level = previous != null && masked.equals(previous.message()) ? Level.DEBUG : Level.WARN;
        if (LOG.isEnabledForLevel(level)) {
            LOG.atLevel(level).log(masked + (e == null ? "" : " [" + e.getClass().getName() + "]"));
        }
    }

    private void setDisconnected() {
        Connection c = connection;
        if (c.connected()) {
            connection = new Connection(false, null, Instant.now(), c.width(), c.height());
        }
    }

    private static String describe(Throwable e) {
        return UrlMasker.maskAll(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
    }

    /**
     * Stops the camera: its thread ends after the frame in hand, or when a blocked network read returns (bounded by
     * the {@code timeout} option), and closes its stream itself. Waits for that at most the timeout plus 2 s.
     */
    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(options.timeout().toMillis() + 2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("camera " + spec.id() + ": still waiting on its stream after close; it ends when the"
                    + " read times out");
        }
    }

    /** Whether the camera's thread is still running (false some time after {@link #close()}). */
    public boolean isRunning() {
        return thread.isAlive();
    }
}
