package io.yolostream.ingest.source;

import org.bytedeco.opencv.opencv_core.Mat;

/**
 * What ingest does to each decoded frame: keep it or not ({@link FrameSampler}), then for the kept ones convert to
 * BGR, shrink to fit ({@link FrameScaler}) and JPEG-encode ({@link JpegEncoder}). Frames that are not kept cost
 * nothing beyond their decoding. Shared by cameras, replays and the benchmark so all three do the same work.
 * Not thread-safe: one per camera or replay.
 */
public final class SampledJpegEncoder implements AutoCloseable {
    /** A kept frame: its JPEG and the size it was encoded at. */
    public record Jpeg(byte[] bytes, int width, int height) {
    }

    private final FrameSampler sampler;
    private final FrameScaler scaler;
    private final JpegEncoder encoder = new JpegEncoder();
    private final int quality;

    public SampledJpegEncoder(double targetFps, int maxWidth, int maxHeight, int quality) {
        this.sampler = new FrameSampler(targetFps);
        this.scaler = new FrameScaler(maxWidth, maxHeight);
        this.quality = quality;
    }

    public static SampledJpegEncoder of(CameraSpec spec) {
        return new SampledJpegEncoder(spec.targetFps(), spec.maxWidth(), spec.maxHeight(), spec.quality());
    }

    /** The frame's JPEG when the sampler keeps it, null otherwise. */
    public Jpeg encodeIfSampled(DecodedFrame frame) {
        if (!sampler.accept(frame.timestampMicros())) {
            return null;
        }
        Mat image = scaler.fit(frame.bgr());
        return new Jpeg(encoder.encode(image, quality), image.cols(), image.rows());
    }

    /** A new stream (reconnect, next loop): its timestamps start over. */
    public void reset() {
        sampler.reset();
    }

    public int quality() {
        return quality;
    }

    @Override
    public void close() {
        encoder.close();
        scaler.close();
    }
}
