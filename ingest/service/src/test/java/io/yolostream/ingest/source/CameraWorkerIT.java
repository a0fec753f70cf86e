package io.yolostream.ingest.source;

import io.yolostream.ingest.avro.SourceKind;
import io.yolostream.ingest.testkit.RtspTestServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Cameras against a real RTSP server (gst-rtsp-server): sampling, reconnects, stalls, isolation. */
class CameraWorkerIT {
    static final Duration WAIT = Duration.ofSeconds(30);
    static final VideoSource.Options OPTIONS = VideoSource.Options.defaults().withTimeout(Duration.ofSeconds(2));
    static final ReconnectPolicy FAST_RETRIES =
            new ReconnectPolicy(Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(5));

    @TempDir
    static Path dir;
    /** 4 s at 25 fps, 640x360. */
    static Path clip;

    @BeforeAll
    static void record() {
        clip = TestVideos.recordSmall(dir.resolve("clip.mp4"), 25, 100);
    }

    static CameraWorker camera(String id, String url, RecordingFrameSink sink) {
        return CameraWorker.start(new CameraSpec(id, url, 5, 320, 0, 80), sink, OPTIONS, FAST_RETRIES);
    }

    /** Polls the camera's status until it matches; fails with the last status seen. */
    static CameraStats awaitStats(CameraWorker camera, Predicate<CameraStats> condition, String what) {
        return await("camera " + camera.snapshot().cameraId() + ": " + what).atMost(WAIT)
                .pollInterval(Duration.ofMillis(20)).until(camera::snapshot, condition::test);
    }

    @Test
    void rtspTunnelledInHttpAndOverUdpStreamFromGstRtspServer() throws Exception {
        // gst-rtsp-server offers TCP, UDP and the HTTP tunnel: each setting streams from it
        try (RtspTestServer server = RtspTestServer.file(clip)) {
            for (RtspTransport transport : List.of(RtspTransport.HTTP, RtspTransport.UDP, RtspTransport.AUTO)) {
                RecordingFrameSink sink = new RecordingFrameSink();
                String id = "via-" + transport.value();
                try (CameraWorker camera = CameraWorker.start(new CameraSpec(id, server.url(), 5, 320, 0, 80,
                        transport), sink, OPTIONS, FAST_RETRIES)) {
                    sink.awaitFrames(id, 3, WAIT);
                    assertNull(camera.snapshot().lastError(), transport + ": " + camera.snapshot().lastError());
                }
            }
        }
    }

    @Test
    void liveCameraAt25FpsIsSampledTo5() throws Exception {
        RecordingFrameSink sink = new RecordingFrameSink();
        try (RtspTestServer server = RtspTestServer.live(25, 640, 360);
             CameraWorker camera = camera("live-25", server.url(), sink)) {
            List<EncodedFrame> frames = sink.awaitFrames("live-25", 20, WAIT);
            CameraStats stats = camera.snapshot();

            assertTrue(stats.connected(), stats.toString());
            assertEquals(640, stats.width());
            double ratio = (double) stats.framesDecoded() / stats.framesSampled();
            assertTrue(ratio > 4.0 && ratio < 6.0, "decoded/sampled = " + ratio + " in " + stats);
            assertTrue(stats.fpsIn() > stats.fpsOut() && stats.fpsOut() > 0, stats.toString());
            assertEquals(0, stats.reconnects());
            assertNull(stats.lastError());
            assertNotNull(stats.lastFrameAt());
            String session = frames.get(0).sessionId();
            for (int k = 0; k < frames.size(); k++) {
                EncodedFrame f = frames.get(k);
                assertEquals(SourceKind.LIVE, f.source());
                assertEquals(session, f.sessionId());
                assertEquals(session, stats.sessionId());
                assertEquals(320, f.width());
                assertEquals(180, f.height());
                if (k > 0) {
                    EncodedFrame previous = frames.get(k - 1);
                    assertTrue(f.ptsMicros() > previous.ptsMicros());
                    assertTrue(f.captureTimeMillis() >= previous.captureTimeMillis());
                }
            }
            assertTrue(sink.put() == 0 && sink.ends().isEmpty(), "live cameras offer, never put or end");
        }
    }

    @Test
    void reconnectsWithANewSessionAfterTheServerIsKilledAndRestarted() throws Exception {
        RecordingFrameSink sink = new RecordingFrameSink();
        try (RtspTestServer server = RtspTestServer.file(clip);
             CameraWorker camera = camera("killed", server.url(), sink)) {
            String first = sink.awaitFrames("killed", 5, WAIT).get(0).sessionId();

            server.kill();
            CameraStats down = awaitStats(camera, s -> !s.connected() && s.lastError() != null, "disconnected");
            assertNull(down.sessionId());
            assertTrue(down.lastError().contains("stream ended") || down.lastError().contains("refused"),
                    down.lastError());
            server.restart();

            List<EncodedFrame> after = sink.awaitFrames("killed", f -> !f.sessionId().equals(first), 5, WAIT);
            CameraStats up = awaitStats(camera, CameraStats::connected, "connected again");
            assertTrue(up.reconnects() >= 1, up.toString());
            assertEquals(after.get(0).sessionId(), up.sessionId());
            assertNotNull(up.lastErrorAt());
        }
    }

    @Test
    void aFrozenServerTimesOutThenRecovers() throws Exception {
        RecordingFrameSink sink = new RecordingFrameSink();
        try (RtspTestServer server = RtspTestServer.live(25, 640, 360);
             CameraWorker camera = camera("frozen", server.url(), sink)) {
            String first = sink.awaitFrames("frozen", 5, WAIT).get(0).sessionId();

            server.freeze();
            Set<String> errors = new HashSet<>();
            awaitStats(camera, s -> {
                if (s.lastError() != null) {
                    errors.add(s.lastError());
                }
                return !s.connected() && s.lastError() != null;
            }, "disconnected by the timeout");
            assertTrue(errors.stream().anyMatch(e -> e.contains("no data for 2.0 s (timeout)")), errors.toString());
            server.thaw();

            sink.awaitFrames("frozen", f -> !f.sessionId().equals(first), 5, WAIT);
            CameraStats up = awaitStats(camera, CameraStats::connected, "connected again");
            assertTrue(up.reconnects() >= 1, up.toString());
        }
    }

    @Test
    void brokenCamerasReportClearErrorsWhileAnotherKeepsPublishing() throws Exception {
        RecordingFrameSink sink = new RecordingFrameSink();
        Path corrupt = TestVideos.corrupt(dir.resolve("corrupt.mp4"), 200_000);
        try (RtspTestServer server = RtspTestServer.live(25, 640, 360);
             GarbageServer garbage = new GarbageServer();
             CameraWorker good = camera("good", server.url(), sink);
             CameraWorker refused = camera("refused", "rtsp://127.0.0.1:" + closedPort() + "/cam", sink);
             CameraWorker notFound = camera("not-found", server.url() + "-nope", sink);
             CameraWorker corruptFile = camera("corrupt-file", corrupt.toString(), sink);
             CameraWorker corruptStream = camera("corrupt-stream", garbage.url(), sink)) {
            sink.awaitFrames("good", 5, WAIT);

            assertFailing(refused, "Connection refused");
            assertFailing(notFound, "404 Not Found");
            assertFailing(corruptFile, "Invalid data found when processing input");
            assertFailing(corruptStream, "Invalid data found when processing input");
            assertTrue(corruptFile.snapshot().lastError().contains(corrupt.toString()));

            // the good camera went on through all those failures and still does
            long before = sink.frames("good").size();
            sink.awaitFrames("good", (int) before + 10, WAIT);
            CameraStats stats = good.snapshot();
            assertTrue(stats.connected() && stats.reconnects() == 0 && stats.lastError() == null, stats.toString());
            assertTrue(sink.frames().stream().allMatch(f -> f.cameraId().equals("good")));
        }
    }

    private static void assertFailing(CameraWorker camera, String expected) throws InterruptedException {
        CameraStats stats = awaitStats(camera, s -> s.reconnects() >= 2 && s.lastError() != null, "failed retries");
        assertFalse(stats.connected(), stats.toString());
        assertNull(stats.sessionId());
        assertEquals(0, stats.framesDecoded());
        assertTrue(stats.lastError().contains(expected), "expected '" + expected + "' in " + stats.lastError());
        assertTrue(stats.lastError().startsWith("camera " + camera.spec().id() + ": "), stats.lastError());
    }

    @Test
    void aFileCameraLoopsAtRealTimeAsLive() throws Exception {
        RecordingFrameSink sink = new RecordingFrameSink();
        Path second = TestVideos.recordSmall(dir.resolve("one-second.mp4"), 25, 25);
        try (CameraWorker camera = camera("demo", second.toString(), sink)) {
            List<EncodedFrame> frames = sink.awaitFrames("demo", 11, WAIT);
            Set<String> sessions = new HashSet<>();
            frames.forEach(f -> sessions.add(f.sessionId()));
            assertTrue(sessions.size() >= 2, "each pass through the file is a session: " + sessions);
            assertTrue(frames.stream().allMatch(f -> f.source() == SourceKind.LIVE));
            // paced like a camera: 11 frames at 5 fps span at least 2 s of wall clock
            long span = frames.get(10).captureTimeMillis() - frames.get(0).captureTimeMillis();
            assertTrue(span >= 1800, "11 frames within " + span + " ms");
            CameraStats stats = camera.snapshot();
            assertEquals(0, stats.reconnects(), "the end of the file is not a failure: " + stats);
            assertNull(stats.lastError());
        }
    }

    @Test
    void closeStopsTheCameraPromptly() throws Exception {
        RecordingFrameSink sink = new RecordingFrameSink();
        try (RtspTestServer server = RtspTestServer.live(25, 640, 360)) {
            CameraWorker camera = camera("closing", server.url(), sink);
            sink.awaitFrames("closing", 3, WAIT);
            camera.close();
            assertFalse(camera.isRunning());
            assertFalse(camera.snapshot().connected());
            int after = sink.frames().size();
            await("no frames after close").during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                    .until(() -> sink.frames().size() == after);
        }
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** A TCP server where an RTSP server should be that answers every connection with random bytes. */
    static final class GarbageServer implements AutoCloseable {
        private final ServerSocket socket;
        private final Thread thread;

        GarbageServer() throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            thread = new Thread(this::serve, "garbage-rtsp");
            thread.setDaemon(true);
            thread.start();
        }

        String url() {
            return "rtsp://127.0.0.1:" + socket.getLocalPort() + "/cam";
        }

        private void serve() {
            Random random = new Random(5);
            while (!socket.isClosed()) {
                try {
                    Socket client = socket.accept();
                    byte[] junk = new byte[4096];
                    random.nextBytes(junk);
                    OutputStream out = client.getOutputStream();
                    out.write(junk);
                    out.flush();
                    client.close();
                } catch (IOException e) {
                    // closed, or the client hung up first
                }
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
