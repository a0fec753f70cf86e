package io.yolostream.ingest.source;

import io.yolostream.ingest.IngestException;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VideoSourceTest {
    @TempDir
    static Path dir;
    static Path clip;

    @BeforeAll
    static void record() {
        clip = TestVideos.recordSmall(dir.resolve("clip.mp4"), 25, 50);
    }

    @Test
    void decodesEveryFrameOfAFileWithItsTimestamps() {
        try (VideoSource source = new VideoSource(clip.toString(), VideoSource.Options.defaults())) {
            source.start();
            assertFalse(source.isNetwork());
            assertEquals(640, source.width());
            assertEquals(360, source.height());
            assertEquals(25.0, source.frameRate(), 0.01);
            assertEquals(2_000_000, source.durationMicros(), 50_000);
            long previous = -1;
            int frames = 0;
            DecodedFrame frame;
            while ((frame = source.grab()) != null) {
                assertEquals(frames * 40_000L, frame.ptsMicros(), "pts of frame " + frames);
                assertTrue(frame.timestampMicros() > previous);
                previous = frame.timestampMicros();
                if (frames % 10 == 0) {
                    Mat bgr = frame.bgr();
                    assertEquals(640, bgr.cols());
                    assertEquals(360, bgr.rows());
                    assertEquals(3, bgr.channels());
                }
                frames++;
            }
            assertEquals(50, frames);
            assertEquals(50, source.framesDecoded());
            assertNull(source.grab(), "the end stays the end");
        }
    }

    @Test
    void aCorruptFileFailsNamingTheFileAndWhatFfmpegSaid() {
        Path corrupt = TestVideos.corrupt(dir.resolve("corrupt.mp4"), 64 * 1024);
        try (VideoSource source = new VideoSource(corrupt.toString(), VideoSource.Options.defaults())) {
            IngestException e = assertThrows(IngestException.class, source::start);
            assertTrue(e.getMessage().contains(corrupt.toString()), e.getMessage());
            assertTrue(e.getMessage().contains("Invalid data found when processing input"), e.getMessage());
        }
    }

    @Test
    void aMissingFileSaysSo() {
        Path missing = dir.resolve("missing.mp4");
        try (VideoSource source = new VideoSource(missing.toString(), VideoSource.Options.defaults())) {
            IngestException e = assertThrows(IngestException.class, source::start);
            assertTrue(e.getMessage().contains("missing.mp4") && e.getMessage().contains("found none"),
                    e.getMessage());
        }
    }

    @Test
    void aRefusedConnectionSaysSoWithoutCredentials() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        String url = "rtsp://admin:s3cr3t@127.0.0.1:" + port + "/stream";
        try (VideoSource source = new VideoSource(url, VideoSource.Options.defaults())) {
            assertTrue(source.isNetwork());
            IngestException e = assertThrows(IngestException.class, source::start);
            assertTrue(e.getMessage().contains("Connection refused"), e.getMessage());
            assertTrue(e.getMessage().contains("rtsp://***:***@127.0.0.1:" + port), e.getMessage());
            assertFalse(e.getMessage().contains("s3cr3t"), e.getMessage());
        }
    }
}
