package io.yolostream.detector.video;

import io.yolostream.detector.model.ModelException;
import io.yolostream.detector.preprocess.RgbImage;
import io.yolostream.detector.quantize.VideoFrames;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.function.Consumer;

/** Video files decoded with FFmpeg (JavaCV) as RGB frames: int8 calibration and comparisons on recorded video. */
public final class FfmpegVideoFrames implements VideoFrames {
    public static final FfmpegVideoFrames INSTANCE = new FfmpegVideoFrames();

    private FfmpegVideoFrames() {
    }

    @Override
    public long frameCount(Path video) {
        try (FFmpegFrameGrabber g = open(video)) {
            long frames = Math.max(0, g.getLengthInVideoFrames());
            g.stop();
            return frames;
        } catch (FrameGrabber.Exception e) {
            throw unreadable(video, e);
        }
    }

    @Override
    public int read(Path video, int step, int limit, Consumer<RgbImage> action) {
        int given = 0;
        try (FFmpegFrameGrabber g = open(video)) {
            long index = 0;
            Frame f;
            while (given < limit && (f = g.grabImage()) != null) {
                if (index++ % step != 0) {
                    continue;
                }
                action.accept(rgb(f));
                given++;
            }
            g.stop();
        } catch (FrameGrabber.Exception e) {
            throw unreadable(video, e);
        }
        return given;
    }

    private static FFmpegFrameGrabber open(Path input) {
        // FFmpeg's stream banner would drown the progress bar; errors still show
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
        FFmpegFrameGrabber g = new FFmpegFrameGrabber(input.toFile());
        g.setPixelFormat(avutil.AV_PIX_FMT_RGB24);
        try {
            g.start();
        } catch (FrameGrabber.Exception | RuntimeException e) {
            try {
                g.close();
            } catch (FrameGrabber.Exception ignored) {
                // reporting the first failure
            }
            throw unreadable(input, e);
        }
        if (!g.hasVideo()) {
            try {
                g.close();
            } catch (FrameGrabber.Exception ignored) {
                // reporting the missing stream
            }
            throw new ModelException("video " + input + ": expected a video stream, found none");
        }
        return g;
    }

    private static ModelException unreadable(Path input, Exception e) {
        return new ModelException("images " + input + ": expected a folder of images, an image or a video FFmpeg"
                + " can decode, found a file it cannot read (" + e.getMessage() + ")", e);
    }

    private static RgbImage rgb(Frame f) {
        ByteBuffer b = (ByteBuffer) f.image[0];
        int w = f.imageWidth;
        int h = f.imageHeight;
        int stride = f.imageStride;
        byte[] px = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            b.get(y * stride, px, y * w * 3, w * 3);
        }
        return new RgbImage(w, h, px);
    }
}
