package io.yolostream.ingest.source;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class FrameScalerTest {

    @Test
    void fitsTheLimitsKeepingTheAspectRatio() {
        assertEquals(new FrameScaler.Dimensions(1280, 720), FrameScaler.fit(1920, 1080, 1280, 0));
        assertEquals(new FrameScaler.Dimensions(1280, 720), FrameScaler.fit(1920, 1080, 0, 720));
        assertEquals(new FrameScaler.Dimensions(1280, 720), FrameScaler.fit(1920, 1080, 1280, 1280));
        assertEquals(new FrameScaler.Dimensions(640, 360), FrameScaler.fit(1920, 1080, 640, 480));
        // portrait: the height limit binds
        assertEquals(new FrameScaler.Dimensions(360, 640), FrameScaler.fit(1080, 1920, 1280, 640));
        // odd ratios round to the nearest pixel
        assertEquals(new FrameScaler.Dimensions(416, 234), FrameScaler.fit(1920, 1080, 416, 416));
    }

    @Test
    void neverEnlargesAndZeroMeansNoLimit() {
        assertEquals(new FrameScaler.Dimensions(640, 360), FrameScaler.fit(640, 360, 1280, 720));
        assertEquals(new FrameScaler.Dimensions(1920, 1080), FrameScaler.fit(1920, 1080, 0, 0));
    }

    @Test
    void shrinksAMatAndPassesOneThatFits() {
        try (FrameScaler scaler = new FrameScaler(320, 0);
             Mat big = new Mat(360, 640, CV_8UC3, new Scalar(10, 20, 30, 0));
             Mat small = new Mat(100, 200, CV_8UC3, new Scalar(1, 2, 3, 0))) {
            Mat out = scaler.fit(big);
            assertEquals(320, out.cols());
            assertEquals(180, out.rows());
            // area averaging of a flat image keeps its colour
            assertEquals(20, out.ptr(90, 160).get(1) & 0xFF);
            assertSame(small, scaler.fit(small));
        }
    }

    @Test
    void rejectsNegativeLimits() {
        assertThrows(IllegalArgumentException.class, () -> new FrameScaler(-1, 0));
    }
}
