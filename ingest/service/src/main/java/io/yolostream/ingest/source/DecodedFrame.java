package io.yolostream.ingest.source;

import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * The frame a {@link VideoSource} decoded last. The pixels stay in the decoder's format until {@link #bgr()} asks for
 * them, so frames that are not published cost no colour conversion. Valid until the source's next grab.
 */
public final class DecodedFrame {
    private final BgrConverter converter;
    private AVFrame picture;
    private long ptsMicros;
    private long timestampMicros;
    private Mat bgr;

    DecodedFrame(BgrConverter converter) {
        this.converter = converter;
    }

    DecodedFrame set(AVFrame picture, long ptsMicros, long timestampMicros) {
        this.picture = picture;
        this.ptsMicros = ptsMicros;
        this.timestampMicros = timestampMicros;
        this.bgr = null;
        return this;
    }

    /** The stream's presentation timestamp in µs, -1 when the stream has none. */
    public long ptsMicros() {
        return ptsMicros;
    }

    /** The pts, or when the stream has none, one extrapolated from the frame rate: what sampling and pacing use. */
    public long timestampMicros() {
        return timestampMicros;
    }

    public int width() {
        return picture.width();
    }

    public int height() {
        return picture.height();
    }

    /** The picture as 8-bit BGR (converted on the first call, owned by the source). */
    public Mat bgr() {
        if (bgr == null) {
            bgr = converter.convert(picture);
        }
        return bgr;
    }
}
