package io.yolostream.ingest.source;

import io.yolostream.ingest.service.CameraStatus;
import io.yolostream.ingest.testkit.VlcRtspServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RTSP transports against a third-party server that serves RTP over UDP only (VLC): {@code udp} and {@code auto}
 * stream from it; {@code tcp} fails, and the camera's status says why (the server's 461 Unsupported transport) and
 * which setting fixes it, instead of ffmpeg's bare "Protocol not supported (avformat_open_input() error -93)".
 */
class RtspTransportIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;
    static VlcRtspServer server;

    @BeforeAll
    static void startServer() {
        String missing = VlcRtspServer.unavailable();
        if ("true".equals(System.getenv("CI"))) {
            assertNull(missing, missing);
        }
        Assumptions.assumeTrue(missing == null, missing);
        server = VlcRtspServer.udpOnly(TestVideos.recordSmall(dir.resolve("clip.mp4"), 25, 100));
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    private static CameraWorker camera(String id, RtspTransport transport, RecordingFrameSink sink) {
        return CameraWorker.start(new CameraSpec(id, server.url(), 5, 320, 0, 80, transport), sink,
                CameraWorkerIT.OPTIONS, CameraWorkerIT.FAST_RETRIES);
    }

    @Test
    void udpStreamsFromAUdpOnlyServer() throws Exception {
        RecordingFrameSink sink = new RecordingFrameSink();
        try (CameraWorker camera = camera("udp", RtspTransport.UDP, sink)) {
            List<EncodedFrame> frames = sink.awaitFrames("udp", 5, WAIT);
            assertEquals(320, frames.get(0).width());
            assertTrue(camera.snapshot().connected());
        }
    }

    @Test
    void autoFallsBackToUdpWhenTheServerRefusesTcp() throws Exception {
        RecordingFrameSink sink = new RecordingFrameSink();
        try (CameraWorker camera = camera("auto", RtspTransport.AUTO, sink)) {
            sink.awaitFrames("auto", 5, WAIT);
            CameraStats stats = camera.snapshot();
            assertTrue(stats.connected());
            assertNull(stats.lastError(), "auto connects without a failure: " + stats.lastError());
        }
    }

    @Test
    void tcpAgainstAUdpOnlyServerNamesTheCauseAndTheSetting() {
        RecordingFrameSink sink = new RecordingFrameSink();
        CameraSpec spec = new CameraSpec("tcp", server.url(), 5, 320, 0, 80, RtspTransport.TCP);
        try (CameraWorker camera = CameraWorker.start(spec, sink, CameraWorkerIT.OPTIONS,
                CameraWorkerIT.FAST_RETRIES)) {
            CameraStats stats = await("camera tcp: an error").atMost(WAIT).pollInterval(Duration.ofMillis(50))
                    .until(camera::snapshot, s -> s.lastError() != null);
            assertFalse(stats.connected());
            String lastError = (String) new CameraStatus(spec, stats, null).toJson().get("lastError");
            assertTrue(lastError.contains("the RTSP server refused RTSP over TCP (461 Unsupported transport"),
                    lastError);
            assertTrue(lastError.contains("Set the camera's transport to udp or auto"), lastError);
            assertTrue(lastError.contains("rtsp-transport"), lastError);
            assertEquals("tcp", new CameraStatus(spec, stats, null).toJson().get("transport"));
            assertTrue(sink.frames().isEmpty());
        }
    }
}
