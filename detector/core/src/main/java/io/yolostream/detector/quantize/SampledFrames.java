package io.yolostream.detector.quantize;

import io.yolostream.detector.model.ModelException;
import io.yolostream.detector.opencv.ImageFiles;
import io.yolostream.detector.preprocess.RgbImage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Up to N images taken evenly from a folder of images, one image file, or a video (read by a {@link VideoFrames}): the
 * calibration set of the quantizer and the inputs of model comparisons. Images are decoded on demand, so
 * {@link #forEach} can run over large sets without holding them.
 */
public final class SampledFrames {
    private final Path input;
    private final List<Path> images;
    private final int limit;
    private final long videoFrames;
    private final int step;
    private final VideoFrames videos;

    private SampledFrames(Path input, List<Path> images, int limit, long videoFrames, int step, VideoFrames videos) {
        this.videos = videos;
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

    /** A folder of images or one image (a video is refused: see {@link #of(Path, int, VideoFrames)}). */
    public static SampledFrames of(Path input, int limit) {
        return of(input, limit, null);
    }

    /**
     * @param limit at most this many images (frames are spread evenly over the input)
     * @param videos how to read a video file (the model core has no video decoder of its own:
     *               {@code yolostream-model-video} gives FFmpeg's); null refuses videos
     */
    public static SampledFrames of(Path input, int limit, VideoFrames videos) {
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
            return new SampledFrames(input, picked, picked.size(), 0, 1, null);
        }
        if (!Files.isRegularFile(input)) {
            throw new ModelException("images " + input + ": expected a folder of images, an image or a video file,"
                    + " found " + (Files.exists(input) ? "something else" : "no such file or folder"));
        }
        if (isImage(input)) {
            return new SampledFrames(input, List.of(input), 1, 0, 1, null);
        }
        if (videos == null) {
            throw new ModelException("images " + input + ": expected a folder of images or an image (.jpg/.jpeg/"
                    + ".png/.bmp), found another kind of file (videos need a video reader, as the yolostream"
                    + " command has)");
        }
        long frames = Math.max(0, videos.frameCount(input));
        int step = frames > limit ? (int) (frames / limit) : 1;
        return new SampledFrames(input, null, limit, frames, step, videos);
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
            return new SampledFrames(input, spread(images, n), n, 0, 1, null);
        }
        // a wider step over the same video: fewer frames, still from all of it
        return new SampledFrames(input, null, n, videoFrames, videoFrames > 0 ? (int) Math.max(step,
                videoFrames / n) : step, videos);
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
        int given = videos.read(input, step, limit, action);
        if (given == 0) {
            throw new ModelException("video " + input + ": expected decodable video frames, found none");
        }
        return given;
    }
}
