package io.yolostream.ingest.source;

import io.yolostream.config.UrlMasker;
import io.yolostream.ingest.IngestException;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;

/**
 * One video input (an RTSP/HTTP URL or a file) decoded with JavaCV's {@link FFmpegFrameGrabber}: video frames only,
 * pixels left in the decoder's format until a caller asks for BGR ({@link DecodedFrame#bgr()}).
 *
 * <p>RTSP inputs use the camera's {@link RtspTransport} (TCP by default); network inputs use ffmpeg's {@code timeout} option (µs; the only one that bounds a stalled read
 * on ffmpeg 8.0.1: a stall ends the stream after it instead of hanging) and lowered
 * {@code analyzeduration}/{@code probesize} for a fast connect. {@link #start()} uses the grabber's unsynchronized
 * start: JavaCV's {@code start()} holds a JVM-wide lock while connecting, which would let one unreachable camera stall
 * every other camera's connect. One thread uses a source; {@link #close()} frees every native handle.
 */
public final class VideoSource implements AutoCloseable {
    /**
     * @param timeout          bounds each network read/connect of a live source (ffmpeg {@code timeout})
     * @param analyzeDuration  how much of a live stream ffmpeg inspects before decoding ({@code analyzeduration})
     * @param probeSizeBytes   how many bytes of a live stream ffmpeg inspects ({@code probesize})
     * @param decoderThreads   0 = ffmpeg's choice (one per core, frame threading), otherwise that many
     */
    public record Options(Duration timeout, Duration analyzeDuration, long probeSizeBytes, int decoderThreads) {
        public static Options defaults() {
            return new Options(Duration.ofSeconds(5), Duration.ofMillis(500), 500_000, 0);
        }

        public Options {
            if (timeout.toMillis() < 1 || analyzeDuration.isNegative() || probeSizeBytes < 32 || decoderThreads < 0) {
                throw new IllegalArgumentException("video source options: expected timeout >= 1 ms, analyze duration"
                        + " >= 0, probe size >= 32 bytes, decoder threads >= 0, found " + this);
            }
        }

        public Options withTimeout(Duration newTimeout) {
            return new Options(newTimeout, analyzeDuration, probeSizeBytes, decoderThreads);
        }

        public Options withDecoderThreads(int threads) {
            return new Options(timeout, analyzeDuration, probeSizeBytes, threads);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(VideoSource.class);

    private final String url;
    private final CameraUrl input;
    private final boolean network;
    private final boolean rtsp;
    private final Path file;
    private final Options options;
    private final RtspTransport transport;
    private FFmpegFrameGrabber grabber;
    private String ffmpegTransport;
    private final BgrConverter converter = new BgrConverter();
    private final DecodedFrame current = new DecodedFrame(converter);
    private long frames;
    private long lastTimestampMicros = -1;

    /**
     * @param url a camera URL or a video file; other ffmpeg protocols are refused ({@link CameraUrl}), and ffmpeg
     *            gets the input's {@code protocol_whitelist}
     */
    public VideoSource(String url, Options options) {
        this(url, options, RtspTransport.TCP);
    }

    /** @param transport how an rtsp/rtsps URL carries its media (other inputs ignore it) */
    public VideoSource(String url, Options options, RtspTransport transport) {
        this.input = CameraUrl.parse(url);
        this.url = url;
        this.options = options;
        this.transport = transport;
        this.network = !input.isFile();
        this.rtsp = input.scheme().equals("rtsp") || input.scheme().equals("rtsps");
        this.file = input.file();
        this.grabber = newGrabber(transport == RtspTransport.AUTO ? RtspTransport.TCP : transport);
    }

    private FFmpegFrameGrabber newGrabber(RtspTransport media) {
        FFmpegFrameGrabber g = new FFmpegFrameGrabber(input.ffmpegInput());
        g.setImageMode(FrameGrabber.ImageMode.RAW);
        // what ffmpeg may open for this input, nested opens included (HLS segments and keys, RTSP redirects); an
        // RTSP session tunnelled in HTTP opens http connections too
        g.setOption("protocol_whitelist", input.protocolWhitelist()
                + (rtsp && media == RtspTransport.HTTP ? ",http" : ""));
        if (network) {
            if (rtsp) {
                ffmpegTransport = media.value();
                g.setOption("rtsp_transport", ffmpegTransport);
            }
            g.setOption("allowed_media_types", "video"); // no audio RTP session we would throw away
            g.setOption("timeout", Long.toString(options.timeout().toNanos() / 1000));
            g.setOption("analyzeduration", Long.toString(options.analyzeDuration().toNanos() / 1000));
            g.setOption("probesize", Long.toString(options.probeSizeBytes()));
        }
        if (options.decoderThreads() > 0) {
            g.setVideoOption("threads", Integer.toString(options.decoderThreads()));
        }
        return g;
    }

    /** Opens the input and its video decoder; an {@link IngestException} says which input and what ffmpeg said. */
    public void start() {
        FfmpegLog.install();
        if (file != null) {
            if (!Files.isReadable(file)) {
                throw new IngestException("video file " + file.toAbsolutePath() + ": expected a readable file, found "
                        + (Files.exists(file) ? "one that cannot be read" : "none"));
            }
        }
        try {
            grabber.startUnsafe(true);
        } catch (FrameGrabber.Exception | RuntimeException e) {
            if (!(rtsp && FfmpegErrors.isProtocolNotSupported(e))) {
                // no cause: JavaCV's message carries the URL with its credentials
                throw new IngestException("cannot open " + describeInput() + ": expected a video stream, ffmpeg said: "
                        + FfmpegErrors.describe(e));
            }
            // ffmpeg's word for an RTSP server's "461 Unsupported transport" to every transport it was allowed
            if (transport != RtspTransport.AUTO) {
                throw new IngestException("cannot open " + describeInput() + ": the RTSP server refused RTSP over "
                        + transport.value().toUpperCase(java.util.Locale.ROOT).replace('_', ' ')
                        + " (461 Unsupported transport; ffmpeg said: " + FfmpegErrors.describe(e) + "). Set the"
                        + " camera's transport to " + (transport == RtspTransport.UDP ? "tcp" : "udp") + " or auto"
                        + " (\"transport\" of the camera in the control API, camera.<id>.transport in the config file,"
                        + " or rtsp-transport / YOLOSTREAM_INGEST_RTSP_TRANSPORT for every camera)");
            }
            startWithUdp(e);
        }
        if (!grabber.hasVideo()) {
            throw new IngestException("cannot use " + describeInput() + ": expected a video stream, found only "
                    + (grabber.hasAudio() ? "audio" : "no streams"));
        }
    }

    /** {@link RtspTransport#AUTO}: TCP was refused with 461, so the same URL again with RTP over UDP. */
    private void startWithUdp(Exception tcpFailure) {
        releaseQuietly();
        grabber = newGrabber(RtspTransport.UDP);
        LOG.info("{}: the RTSP server refused RTSP over TCP (461 Unsupported transport); trying UDP (transport auto)",
                describeInput());
        try {
            grabber.startUnsafe(true);
        } catch (FrameGrabber.Exception | RuntimeException e) {
            throw new IngestException("cannot open " + describeInput() + " (transport auto): over TCP ffmpeg said "
                    + FfmpegErrors.describe(tcpFailure) + " (the server answered 461 Unsupported transport), over"
                    + " UDP: " + FfmpegErrors.describe(e));
        }
    }

    private void releaseQuietly() {
        try {
            grabber.releaseUnsafe();
        } catch (FrameGrabber.Exception e) {
            LOG.debug("releasing {}: {}", describeInput(), FfmpegErrors.describe(e));
        }
    }

    /** The RTSP transport in use (tcp, udp, ...: with auto, the one that worked), null for other inputs. */
    public String rtspTransport() {
        return rtsp ? ffmpegTransport : null;
    }

    /**
     * Decodes the next video frame; null at the end of the input or when a live connection is lost (ffmpeg reports
     * both as the end of the stream). After a read that waited out the timeout, JavaCV first hands out the frames
     * the decoder still buffers, one per further timeout: a caller that must notice a stall promptly times the call
     * (as {@link CameraWorker} does). The frame is valid until the next call.
     */
    public DecodedFrame grab() {
        Frame frame;
        try {
            frame = grabber.grabImage();
        } catch (FrameGrabber.Exception | RuntimeException e) {
            throw new IngestException("cannot decode " + describeInput() + ": ffmpeg said: "
                    + FfmpegErrors.describe(e));
        }
        if (frame == null || !(frame.opaque instanceof AVFrame picture)) {
            return null;
        }
        long pts = picture.best_effort_timestamp() == AV_NOPTS_VALUE ? -1 : frame.timestamp;
        long timestamp = pts >= 0 ? pts : extrapolatedTimestamp();
        lastTimestampMicros = timestamp;
        frames++;
        return current.set(picture, pts, timestamp);
    }

    private long extrapolatedTimestamp() {
        double fps = grabber.getVideoFrameRate();
        long step = Math.round(1_000_000.0 / (fps > 0 && fps < 1000 ? fps : 25.0));
        return lastTimestampMicros < 0 ? 0 : lastTimestampMicros + step;
    }

    public boolean isNetwork() {
        return network;
    }

    /** Frames decoded so far. */
    public long framesDecoded() {
        return frames;
    }

    /** The container's or stream's frame rate, 0 when unknown. */
    public double frameRate() {
        double fps = grabber.getVideoFrameRate();
        return Double.isFinite(fps) && fps > 0 ? fps : 0;
    }

    public int width() {
        return grabber.getImageWidth();
    }

    public int height() {
        return grabber.getImageHeight();
    }

    /** The container's duration in µs, 0 when unknown (live streams). */
    public long durationMicros() {
        return Math.max(0, grabber.getLengthInTime());
    }

    /** The container's video frame count (or its estimate from duration and rate), 0 when unknown. */
    public long lengthInFrames() {
        return Math.max(0, grabber.getLengthInVideoFrames());
    }

    /** The input for messages: a file path or the URL with its credentials masked. */
    public String describeInput() {
        return network ? UrlMasker.mask(url) : "video file " + url;
    }

    /** The decoder settings this source was opened with. */
    public Options options() {
        return options;
    }

    @Override
    public void close() {
        try {
            // unsynchronized: release() takes the same JVM-wide lock as start()
            grabber.releaseUnsafe();
        } catch (FrameGrabber.Exception e) {
            throw new IngestException("cannot close " + describeInput() + ": " + FfmpegErrors.describe(e));
        } finally {
            converter.close();
        }
    }
}
