package io.yolostream.detector.faceapi;

import io.yolostream.detector.ModelSource;
import io.yolostream.detector.YoloDetector;
import io.yolostream.detector.decode.DetectedBox;
import io.yolostream.detector.preprocess.DarknetLetterbox;
import io.yolostream.detector.preprocess.RgbImage;
import io.yolostream.detector.runtime.Device;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGR24;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_RGB24;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.opencv.global.opencv_core.BORDER_CONSTANT;
import static org.bytedeco.opencv.global.opencv_core.copyMakeBorder;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real video with faces: the six demo photos, each letterboxed to 960x720 and held for a few frames, encoded as
 * H.264 (libopenh264) MP4, decoded back with FFmpeg and run through the detector frame by frame.
 */
class FaceVideoTest {
    static final int W = 960;
    static final int H = 720;
    static final int HOLD = 3;

    /** Where a photo lies in the video frame: scale and offset of the letterbox. */
    record Placement(double scale, int dx, int dy) {
        int[] map(int[] box) {
            return new int[]{(int) Math.round(box[0] * scale) + dx, (int) Math.round(box[1] * scale) + dy,
                    (int) Math.round(box[2] * scale), (int) Math.round(box[3] * scale)};
        }
    }

    @Test
    void findsTheFacesInTheFramesOfARealVideo() throws Exception {
        List<Path> photos = FaceApiFixture.files().samples();
        Path video = FaceApiFixture.DIR.resolve("faces.mp4");
        List<Placement> placements = record(photos, video);
        List<String> problems = new ArrayList<>();
        int frames = 0;
        int facesFound = 0;
        try (YoloDetector detector = YoloDetector.open(ModelSource.onnx(FaceApiFixture.onnx(), null), Device.CPU, 0,
                new DarknetLetterbox(), FaceDetectionTest.FACEAPI_DEFAULTS, null);
             FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(video.toFile())) {
            grabber.setPixelFormat(AV_PIX_FMT_RGB24);
            grabber.start();
            Frame frame;
            while ((frame = grabber.grabImage()) != null) {
                int photo = frames / HOLD;
                String name = photos.get(photo).getFileName().toString();
                List<DetectedBox> dets = detector.detect(List.of(rgb(frame)), 416, 416).detections().get(0);
                int[][] faces = FaceDetectionTest.FACES.get(name);
                List<Integer> missed = FaceDetectionTest.MISSED.getOrDefault(name + "@416", List.of());
                for (int f = 0; f < faces.length; f++) {
                    int[] expected = placements.get(photo).map(faces[f]);
                    float best = FaceDetectionTest.bestIou(dets, expected);
                    if (best >= 0.5f) {
                        facesFound++;
                    } else if (!missed.contains(f)) {
                        problems.add("frame " + frames + " (" + name + "): face " + java.util.Arrays.toString(expected)
                                + " best IoU " + best + " in " + dets);
                    }
                }
                frames++;
            }
            grabber.stop();
        }
        System.out.println("video: " + frames + " frames, " + facesFound + " faces found with IoU >= 0.5");
        assertEquals(photos.size() * HOLD, frames);
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    /** Records the photos, letterboxed (black bars) to WxH, each for HOLD frames at 2 frames/s. */
    static List<Placement> record(List<Path> photos, Path video) throws Exception {
        List<Placement> placements = new ArrayList<>();
        try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(video.toString(), W, H, 0);
             OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat()) {
            recorder.setFormat("mp4");
            recorder.setVideoCodecName("libopenh264");
            recorder.setVideoCodec(AV_CODEC_ID_H264);
            recorder.setPixelFormat(AV_PIX_FMT_YUV420P);
            recorder.setFrameRate(2);
            recorder.setGopSize(HOLD);
            recorder.setVideoBitrate(4_000_000);
            recorder.start();
            for (Path p : photos) {
                try (Mat img = imread(p.toString()); Mat small = new Mat(); Mat canvas = new Mat()) {
                    double s = Math.min((double) W / img.cols(), (double) H / img.rows());
                    int w = (int) Math.round(img.cols() * s);
                    int h = (int) Math.round(img.rows() * s);
                    resize(img, small, new Size(w, h), 0, 0, INTER_AREA);
                    int dx = (W - w) / 2;
                    int dy = (H - h) / 2;
                    copyMakeBorder(small, canvas, dy, H - h - dy, dx, W - w - dx, BORDER_CONSTANT,
                            new Scalar(0, 0, 0, 0));
                    placements.add(new Placement((double) w / img.cols(), dx, dy));
                    for (int i = 0; i < HOLD; i++) {
                        recorder.record(converter.convert(canvas), AV_PIX_FMT_BGR24);
                    }
                }
            }
            recorder.stop();
        }
        return placements;
    }

    /** A grabbed RGB24 frame as an RgbImage (rows copied without the stride padding). */
    static RgbImage rgb(Frame frame) {
        ByteBuffer buf = (ByteBuffer) frame.image[0];
        int w = frame.imageWidth;
        int h = frame.imageHeight;
        byte[] px = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            buf.position(y * frame.imageStride);
            buf.get(px, y * w * 3, w * 3);
        }
        return new RgbImage(w, h, px);
    }
}
