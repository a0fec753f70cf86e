package io.yolostream.ingest.source;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

/**
 * Shrinks frames to fit a maximum width and height, keeping the aspect ratio; never enlarges. Uses INTER_AREA
 * (pixel-area averaging: no aliasing on downscale). Reuses one output Mat: the result of {@link #fit} is valid until
 * the next call. Not thread-safe: one per camera or replay run.
 */
public final class FrameScaler implements AutoCloseable {
    /** Width and height in pixels. */
    public record Dimensions(int width, int height) {
    }

    private final int maxWidth;
    private final int maxHeight;
    private final Mat resized = new Mat();

    /** @param maxWidth 0 = no limit; @param maxHeight 0 = no limit */
    public FrameScaler(int maxWidth, int maxHeight) {
        if (maxWidth < 0 || maxHeight < 0) {
            throw new IllegalArgumentException("max size: expected >= 0 (0 = no limit), found " + maxWidth + "x"
                    + maxHeight);
        }
        this.maxWidth = maxWidth;
        this.maxHeight = maxHeight;
    }

    /** The size a {@code width x height} frame gets: the largest that fits the limits with the same aspect ratio. */
    public static Dimensions fit(int width, int height, int maxWidth, int maxHeight) {
        double scale = 1.0;
        if (maxWidth > 0) {
            scale = Math.min(scale, (double) maxWidth / width);
        }
        if (maxHeight > 0) {
            scale = Math.min(scale, (double) maxHeight / height);
        }
        if (scale >= 1.0) {
            return new Dimensions(width, height);
        }
        // nearest pixel, never beyond a limit
        int w = Math.max(1, (int) Math.round(width * scale));
        int h = Math.max(1, (int) Math.round(height * scale));
        return new Dimensions(maxWidth > 0 ? Math.min(w, maxWidth) : w, maxHeight > 0 ? Math.min(h, maxHeight) : h);
    }

    /** The frame itself when it fits, otherwise a shrunk copy (owned by this scaler). */
    public Mat fit(Mat frame) {
        Dimensions d = fit(frame.cols(), frame.rows(), maxWidth, maxHeight);
        if (d.width() == frame.cols() && d.height() == frame.rows()) {
            return frame;
        }
        try (Size size = new Size(d.width(), d.height())) {
            resize(frame, resized, size, 0, 0, INTER_AREA);
        }
        return resized;
    }

    @Override
    public void close() {
        resized.close();
    }
}
