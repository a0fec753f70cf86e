package io.yolostream.ingest.source;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.bytedeco.opencv.global.opencv_imgproc.circle;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JpegEncoderTest {

    @Test
    void encodesAJpegThatDecodesToTheSameSizeAndColours() {
        try (JpegEncoder encoder = new JpegEncoder();
             Mat image = new Mat(240, 320, CV_8UC3, new Scalar(200, 100, 50, 0))) {
            byte[] jpeg = encoder.encode(image, 90);
            assertEquals((byte) 0xFF, jpeg[0]);
            assertEquals((byte) 0xD8, jpeg[1]);
            assertEquals((byte) 0xFF, jpeg[jpeg.length - 2]);
            assertEquals((byte) 0xD9, jpeg[jpeg.length - 1]);
            try (Mat encoded = new Mat(new BytePointer(jpeg)); Mat decoded = imdecode(encoded, IMREAD_COLOR)) {
                assertEquals(320, decoded.cols());
                assertEquals(240, decoded.rows());
                int blue = decoded.ptr(120, 160).get(0) & 0xFF;
                assertTrue(Math.abs(blue - 200) <= 3, "blue " + blue);
            }
        }
    }

    @Test
    void lowerQualityGivesSmallerFilesAndTheEncoderIsReusable() {
        try (JpegEncoder encoder = new JpegEncoder();
             Mat image = new Mat(240, 320, CV_8UC3, new Scalar(30, 60, 90, 0))) {
            for (int i = 0; i < 20; i++) {
                circle(image, new Point(i * 16, (i * 37) % 240), 10, new Scalar(i * 12, 255 - i * 12, 128, 0), -1,
                        8, 0);
            }
            int high = encoder.encode(image, 95).length;
            int low = encoder.encode(image, 30).length;
            assertTrue(low < high, "quality 30: " + low + " bytes, quality 95: " + high + " bytes");
            assertEquals(high, encoder.encode(image, 95).length);
        }
    }

    @Test
    void rejectsQualityOutsideOneToHundred() {
        try (JpegEncoder encoder = new JpegEncoder(); Mat image = new Mat(8, 8, CV_8UC3)) {
            assertThrows(IllegalArgumentException.class, () -> encoder.encode(image, 0));
            assertThrows(IllegalArgumentException.class, () -> encoder.encode(image, 101));
        }
    }
}
