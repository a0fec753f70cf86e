package io.yolostream.ingest.publish;

import io.yolostream.ingest.avro.SourceKind;
import io.yolostream.ingest.source.EncodedFrame;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;

import java.util.Random;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;

/** JPEG fixtures made on the spot with OpenCV: a flat gray image (small) or seeded uniform noise (JPEG's worst case). */
final class TestFrames {
    private static final byte[] SMALL = jpeg(64, 48, 80, false);

    private TestFrames() {
    }

    static byte[] jpeg(int width, int height, int quality, boolean noise) {
        try (PointerScope scope = new PointerScope()) {
            Mat m = new Mat(height, width, CV_8UC3, new Scalar(90, 120, 150, 0));
            if (noise) {
                byte[] pixels = new byte[width * height * 3];
                new Random(width * 31L + height).nextBytes(pixels);
                m.data().put(pixels);
            }
            BytePointer buf = new BytePointer();
            imencode(".jpg", m, buf, new IntPointer(IMWRITE_JPEG_QUALITY, quality));
            byte[] out = new byte[(int) buf.limit()];
            buf.get(out);
            return out;
        }
    }

    /** A small 64x48 frame; capture time = {@code captureTime}, pts = index * 40 ms. */
    static EncodedFrame frame(String camera, String session, SourceKind kind, long captureTime, int index) {
        return new EncodedFrame(camera, session, kind, captureTime, index * 40_000L, 64, 48, 80, SMALL);
    }
}
