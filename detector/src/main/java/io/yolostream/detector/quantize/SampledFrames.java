package io.yolostream.detector.quantize;

import io.yolostream.detector.model.ModelException;
import io.yolostream.detector.opencv.ImageFiles;
import io.yolostream.detector.preprocess.RgbImage;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Up to N images taken evenly from a folder of images, one image file, or a video (decoded with FFmpeg): the
 * calibration set of the quantizer and the inputs of model comparisons. Images are decoded on demand, so
 * {@link #forEach} can run over large sets without holding them.
 */
public final class SampledFrames {
    private final Path input;
    private final List<Path> images;
    private final int limit;
    private final long videoFrames;
    private final int step;

    private SampledFrames(Path input, List<Path> images, int limit, long videoFrames, int step) {
        this.input = input;
        this.images = images;
        this.limit = limit;
        this.videoFrames = videoFrames;
        this.step = step;
    }

    public static boolean isImage(Path f) {
        String n = f.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".png") || n.endsWith(".bmp");
    }

    /** @param limit at most this many images (frames are spread evenly over the input) */
    public static SampledFrames of(Path input, int limit) {
        if (limit < 1) {
            throw new ModelException("frames for " + input + ": expected a positive count, found " + limit);
        }
        if (Files.isDirectory(input)) {
            List<Path> all;
            long others;
            try (Stream<Path> s = Files.list(input)) {
                List<Path> files = s.filter(Files::isRegularFile).sorted().toList();
                all = files.stream().filter(SampledFrames::isImage).toList();
                others = files.size() - all.size();
            } catch (IOException e) {
                throw new ModelException("images " + input + ": cannot list the folder: " + e.getMessage(), e);
            }
            if (all.isEmpty()) {
                throw new ModelException("images " + input + ": expected .jpg/.jpeg/.png/.bmp images in the folder,"
                        + " found none" + (others > 0 ? " (" + others + " other files)" : " (empty folder)"));
            }
            List<Path> picked = spread(all, limit);
            return new SampledFrames(input, picked, picked.size(), 0, 1);
        }
        if (!Files.isRegularFile(input)) {
            throw new ModelException("images " + input + ": expected a folder of images, an image or a video file,"
                    + " found " + (Files.exists(input) ? "something else" : "no such file or folder"));
        }
        if (isImage(input)) {
            return new SampledFrames(input, List.of(input), 1, 0, 1);
        }
        long frames;
        try (FFmpegFrameGrabber g = open(input)) {
            frames = Math.max(0, g.getLengthInVideoFrames());
            g.stop();
        } catch (FrameGrabber.Exception e) {
            throw unreadable(input, e);
        }
        int step = frames > limit ? (int) (frames / limit) : 1;
        return new SampledFrames(input, null, limit, frames, step);
    }

    /** At most {@code n} of these images, still spread evenly over the input. */
    public SampledFrames atMost(int n) {
        if (n < 1) {
            throw new ModelException("frames for " + input + ": expected a positive count, found " + n);
        }
        if (n >= count()) {
            return this;
        }
        if (images != null) {
            return new SampledFrames(input, spread(images, n), n, 0, 1);
        }
        // a wider step over the same video: fewer frames, still from all of it
        return new SampledFrames(input, null, n, videoFrames, videoFrames > 0 ? (int) Math.max(step,
                videoFrames / n) : step);
    }

    /** Up to {@code n} of {@code all}, evenly spaced, in order. */
    private static List<Path> spread(List<Path> all, int n) {
        int m = Math.min(n, all.size());
        List<Path> picked = new ArrayList<>();
        for (int i = 0; i < m; i++) {
            picked.add(all.get((int) ((long) i * all.size() / m)));
        }
        return picked;
    }

    /** How many images {@link #forEach} gives (for a video, an estimate from its header). */
    public int count() {
        if (images != null) {
            return images.size();
        }
        return (int) Math.max(1, Math.min(limit, videoFrames == 0 ? limit : (videoFrames + step - 1) / step));
    }

    public String describe() {
        if (images != null) {
            return images.size() + " image(s) from " + input;
        }
        return "up to " + count() + " frames of " + input + (videoFrames > 0 ? " (every " + step + " of "
                + videoFrames + ")" : "");
    }

    /** Decodes the images in order; returns how many it gave. */
    public int forEach(Consumer<RgbImage> action) {
        if (images != null) {
            for (Path p : images) {
                action.accept(ImageFiles.read(p, ImageFiles.Decoder.OPENCV));
            }
            return images.size();
        }
        int given = 0;
        try (FFmpegFrameGrabber g = open(input)) {
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
            throw unreadable(input, e);
        }
        if (given == 0) {
            throw new ModelException("video " + input + ": expected decodable video frames, found none");
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
