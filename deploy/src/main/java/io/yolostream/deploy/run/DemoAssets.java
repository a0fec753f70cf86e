package io.yolostream.deploy.run;

import io.yolostream.detector.darknet.DarknetCfg;
import io.yolostream.detector.darknet.DarknetConverter;
import io.yolostream.detector.darknet.DarknetNetwork;
import io.yolostream.detector.darknet.RandomWeights;
import io.yolostream.wordtree.LabelNames;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGR24;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import static org.bytedeco.opencv.global.opencv_imgproc.FILLED;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.circle;
import static org.bytedeco.opencv.global.opencv_imgproc.rectangle;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

/**
 * What {@code yolostream run} uses when it is given no camera or no model: a clip of the face model's photos (or,
 * without that model, a generated street-like clip) and, as the fallback model, darknet's yolov2-tiny-voc with
 * seeded random weights. Made once in the data directory, reused afterwards.
 */
public final class DemoAssets {
    static final long SEED = 20161225L; // YOLO9000's arXiv date
    private static final String RESOURCES = "/io/yolostream/deploy/demo/";

    private DemoAssets() {
    }

    /** The demo model files: cfg, random weights, names (written on first use). */
    public record Model(Path cfg, Path weights, Path names) {
    }

    /** The demo model's files in {@code dir}: written there when missing (the weights from {@link #SEED}). */
    public static Model model(Path dir) {
        try {
            Files.createDirectories(dir);
            Path cfg = copy(dir, "yolov2-tiny-voc.cfg");
            Path names = copy(dir, "voc.names");
            Path weights = dir.resolve("yolov2-tiny-voc.random.weights");
            if (!Files.isRegularFile(weights)) {
                DarknetNetwork net = DarknetNetwork.of(DarknetCfg.read(cfg));
                Path tmp = dir.resolve(weights.getFileName() + ".tmp");
                try (OutputStream os = Files.newOutputStream(tmp)) {
                    RandomWeights.write(net, SEED, 0, 2, os);
                }
                Files.move(tmp, weights, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            LabelNames.read(names);
            return new Model(cfg, weights, names);
        } catch (IOException e) {
            throw new UncheckedIOException("demo model in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static Path copy(Path dir, String name) throws IOException {
        Path target = dir.resolve(name);
        if (!Files.isRegularFile(target)) {
            try (InputStream in = DemoAssets.class.getResourceAsStream(RESOURCES + name)) {
                if (in == null) {
                    throw new IOException("missing resource " + RESOURCES + name);
                }
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return target;
    }

    /** A 10 s 640x360 25 fps H.264 clip of moving shapes (libopenh264), written on first use. */
    static Path video(Path dir) {
        int w = 640;
        int h = 360;
        return record(dir.resolve("demo-street.mp4"), w, h, 1_000_000, (recorder, canvas, converter) -> {
            for (int i = 0; i < 250; i++) {
                draw(canvas, i, w, h);
                recorder.record(converter.convert(canvas), AV_PIX_FMT_BGR24);
            }
        });
    }

    /**
     * A 960x540 25 fps H.264 clip of the given photos (the face model's package ships six with faces), each held
     * for 3 s with a slow zoom so that the frames differ; written on first use.
     */
    static Path faceVideo(Path dir, List<Path> photos) {
        if (photos.isEmpty()) {
            throw new IllegalArgumentException("demo faces clip: expected photos, found none");
        }
        int perPhoto = 75;
        return record(dir.resolve("demo-faces.mp4"), 960, 540, 2_500_000, (recorder, canvas, converter) -> {
            for (Path photo : photos) {
                try (Mat image = imread(photo.toString())) {
                    if (image.empty()) {
                        throw new IllegalStateException("demo faces clip: cannot read the photo " + photo);
                    }
                    for (int i = 0; i < perPhoto; i++) {
                        zoomInto(image, canvas, 1.0 + 0.25 * i / perPhoto);
                        recorder.record(converter.convert(canvas), AV_PIX_FMT_BGR24);
                    }
                }
            }
        });
    }

    /** Draws a clip's frames on the canvas and records each. */
    private interface Frames {
        void record(FFmpegFrameRecorder recorder, Mat canvas, OpenCVFrameConverter.ToMat converter)
                throws org.bytedeco.javacv.FrameRecorder.Exception;
    }

    /** A w x h 25 fps H.264 mp4 (libopenh264) at {@code file}, written once and moved into place whole. */
    private static Path record(Path file, int w, int h, int bitrate, Frames frames) {
        if (Files.isRegularFile(file)) {
            return file;
        }
        Path tmp = file.resolveSibling(file.getFileName().toString().replaceFirst("\\.mp4$", ".tmp.mp4"));
        org.bytedeco.ffmpeg.global.avutil.av_log_set_level(org.bytedeco.ffmpeg.global.avutil.AV_LOG_ERROR);
        try {
            Files.createDirectories(file.getParent());
            try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(tmp.toString(), w, h, 0);
                 OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat();
                 Mat canvas = new Mat(h, w, CV_8UC3)) {
                recorder.setFormat("mp4");
                recorder.setVideoCodecName("libopenh264");
                recorder.setVideoCodec(AV_CODEC_ID_H264);
                recorder.setPixelFormat(AV_PIX_FMT_YUV420P);
                recorder.setFrameRate(25);
                recorder.setGopSize(25);
                recorder.setVideoBitrate(bitrate);
                recorder.start();
                frames.record(recorder, canvas, converter);
                recorder.stop();
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (org.bytedeco.javacv.FrameRecorder.Exception e) {
            throw new IllegalStateException("cannot record the demo video " + file + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** The photo fitted into the canvas (black borders), then magnified by {@code zoom} about the centre. */
    private static void zoomInto(Mat image, Mat canvas, double zoom) {
        int w = canvas.cols();
        int h = canvas.rows();
        double scale = Math.min((double) w / image.cols(), (double) h / image.rows()) * zoom;
        // the part of the photo that lands on the canvas, and where
        double cw = Math.min(image.cols(), w / scale);
        double ch = Math.min(image.rows(), h / scale);
        int sx = (int) Math.round((image.cols() - cw) / 2);
        int sy = (int) Math.round((image.rows() - ch) / 2);
        int dw = (int) Math.round(cw * scale);
        int dh = (int) Math.round(ch * scale);
        try (Scalar black = new Scalar(0, 0, 0, 0);
             Rect src = new Rect(sx, sy, (int) Math.round(cw), (int) Math.round(ch));
             Rect dst = new Rect((w - dw) / 2, (h - dh) / 2, dw, dh);
             Mat part = new Mat(image, src);
             Mat target = new Mat(canvas, dst);
             org.bytedeco.opencv.opencv_core.Size size = new org.bytedeco.opencv.opencv_core.Size(dw, dh)) {
            canvas.put(black);
            resize(part, target, size, 0, 0, INTER_AREA);
        }
    }

    private static void draw(Mat canvas, int i, int w, int h) {
        try (Scalar sky = new Scalar(200, 170, 120, 0);
             Scalar road = new Scalar(90, 90, 90, 0);
             Rect top = new Rect(0, 0, w, h / 2);
             Rect bottom = new Rect(0, h / 2, w, h - h / 2)) {
            rectangle(canvas, top, sky, FILLED, 8, 0);
            rectangle(canvas, bottom, road, FILLED, 8, 0);
        }
        // two "cars" crossing and a "pedestrian" walking: enough motion and edges for the JPEG/decode paths
        int x1 = (i * 4) % (w + 160) - 160;
        int x2 = w - (i * 3) % (w + 120);
        try (Scalar red = new Scalar(40, 40, 200, 0);
             Scalar blue = new Scalar(200, 60, 30, 0);
             Scalar skin = new Scalar(120, 160, 220, 0);
             Rect car1 = new Rect(x1, h / 2 + 30, 160, 70);
             Rect car2 = new Rect(x2, h / 2 + 110, 120, 60);
             Rect body = new Rect(300 + (i % 100), h / 2 - 60, 24, 90);
             Point head = new Point(312 + (i % 100), h / 2 - 75)) {
            rectangle(canvas, car1, red, FILLED, 8, 0);
            rectangle(canvas, car2, blue, FILLED, 8, 0);
            rectangle(canvas, body, skin, FILLED, 8, 0);
            circle(canvas, head, 14, skin, FILLED, 8, 0);
        }
    }
}
