package io.yolostream.ingest.source;

import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGR24;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgproc.FONT_HERSHEY_SIMPLEX;
import static org.bytedeco.opencv.global.opencv_imgproc.GaussianBlur;
import static org.bytedeco.opencv.global.opencv_imgproc.circle;
import static org.bytedeco.opencv.global.opencv_imgproc.putText;
import static org.bytedeco.opencv.global.opencv_imgproc.rectangle;

/**
 * Test fixtures: MP4 files (MPEG-TS for a {@code .ts} name) with an H.264 track (libopenh264 through JavaCV's FFmpegFrameRecorder) of moving
 * content (a slowly panning textured background, moving shapes, the frame number), recorded by the tests themselves.
 */
public final class TestVideos {
    private TestVideos() {
    }

    /**
     * Records {@code frames} frames at {@code fps} to {@code file}; key frame every second.
     *
     * @param bitrate bits per second (a camera's 1080p is ~4 Mbit/s)
     */
    public static Path record(Path file, int width, int height, double fps, int frames, int bitrate) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int pad = 256;
        try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(file.toString(), width, height, 0);
             OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat();
             Mat texture = texture(width + pad, height + pad);
             Mat canvas = new Mat(height, width, CV_8UC3)) {
            recorder.setFormat(file.toString().endsWith(".ts") ? "mpegts" : "mp4");
            recorder.setVideoCodecName("libopenh264");
            recorder.setVideoCodec(AV_CODEC_ID_H264);
            recorder.setPixelFormat(AV_PIX_FMT_YUV420P);
            recorder.setFrameRate(fps);
            recorder.setGopSize((int) Math.max(1, Math.round(fps)));
            recorder.setVideoBitrate(bitrate);
            recorder.start();
            for (int i = 0; i < frames; i++) {
                draw(texture, canvas, i, pad);
                Frame frame = converter.convert(canvas);
                recorder.record(frame, AV_PIX_FMT_BGR24);
            }
            recorder.stop();
        } catch (org.bytedeco.javacv.FrameRecorder.Exception e) {
            throw new IllegalStateException("cannot record test video " + file + ": " + e.getMessage(), e);
        }
        return file;
    }

    /** A small camera-like clip: 640x360. */
    public static Path recordSmall(Path file, double fps, int frames) {
        return record(file, 640, 360, fps, frames, 800_000);
    }

    /** Random bytes under a video file's name: what a corrupt upload looks like to ffmpeg. */
    public static Path corrupt(Path file, int size) {
        byte[] bytes = new byte[size];
        new Random(42).nextBytes(bytes);
        try {
            return Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Mat texture(int width, int height) {
        Mat texture = new Mat(height, width, CV_8UC3, new Scalar(90, 110, 100, 0));
        Random random = new Random(7);
        for (int i = 0; i < width * height / 900; i++) {
            Scalar color = new Scalar(random.nextInt(256), random.nextInt(256), random.nextInt(256), 0);
            circle(texture, new Point(random.nextInt(width), random.nextInt(height)), 4 + random.nextInt(24), color,
                    -1, 8, 0);
        }
        GaussianBlur(texture, texture, new Size(5, 5), 0);
        return texture;
    }

    private static void draw(Mat texture, Mat canvas, int i, int pad) {
        int w = canvas.cols();
        int h = canvas.rows();
        // a slow pan over the texture, like a camera that drifts
        int dx = (int) Math.round((pad - 1) * (0.5 + 0.5 * Math.sin(i / 90.0)));
        int dy = (int) Math.round((pad - 1) * (0.5 + 0.5 * Math.cos(i / 130.0)));
        try (Mat view = new Mat(texture, new Rect(dx, dy, w, h))) {
            view.copyTo(canvas);
        }
        int s = Math.max(8, h / 12);
        for (int k = 0; k < 4; k++) {
            int x = (int) ((i * (3 + 2 * k) * w / 300.0 + k * w / 4.0) % w);
            int y = h / 5 + k * h / 6;
            rectangle(canvas, new Rect(x, y, s, s), new Scalar(40 * k, 255 - 50 * k, 60 * k + 40, 0), -1, 8, 0);
        }
        circle(canvas, new Point(w / 2 + (int) (w / 3.0 * Math.cos(i / 15.0)), h / 2 + (int) (h / 3.0
                * Math.sin(i / 15.0))), s, new Scalar(255, 255, 255, 0), -1, 8, 0);
        putText(canvas, "frame " + i, new Point(s / 2, h - s / 2), FONT_HERSHEY_SIMPLEX, Math.max(0.5, h / 360.0),
                new Scalar(255, 255, 255, 0), Math.max(1, h / 360), 8, false);
    }
}
