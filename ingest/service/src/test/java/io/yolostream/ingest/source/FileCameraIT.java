package io.yolostream.ingest.source;

import com.sun.net.httpserver.HttpServer;
import io.yolostream.ingest.IngestException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real ffmpeg on file cameras and HTTP streams: a still image is paced, an HLS playlist cannot reach file:. */
class FileCameraIT {
    @TempDir
    Path dir;

    private final Logger root = Logger.getLogger("");
    private final CredentialMaskingIT.CapturingHandler capture = new CredentialMaskingIT.CapturingHandler();
    private Level rootLevel;
    private HttpServer http;
    private final Map<String, AtomicInteger> served = new ConcurrentHashMap<>();

    @BeforeEach
    void captureLogs() {
        rootLevel = root.getLevel();
        root.setLevel(Level.ALL);
        capture.setLevel(Level.ALL);
        root.addHandler(capture);
    }

    @AfterEach
    void restore() {
        root.removeHandler(capture);
        root.setLevel(rootLevel);
        if (http != null) {
            http.stop(0);
        }
    }

    @Test
    void aStillImageIsACameraAtItsFpsNotALoopAsFastAsFfmpegOpensIt() throws Exception {
        BufferedImage image = new BufferedImage(320, 240, BufferedImage.TYPE_INT_RGB);
        Path jpeg = dir.resolve("still.jpg");
        ImageIO.write(image, "jpg", jpeg.toFile());
        RecordingFrameSink sink = new RecordingFrameSink();
        CameraSpec spec = new CameraSpec("still", jpeg.toString(), 2, 0, 0, 80);
        try (CameraWorker camera = CameraWorker.start(spec, sink)) {
            List<EncodedFrame> frames = sink.awaitFrames("still", 5, Duration.ofSeconds(30));
            for (int i = 1; i < frames.size(); i++) {
                long gap = frames.get(i).captureTimeMillis() - frames.get(i - 1).captureTimeMillis();
                // 2 fps: 500 ms apart (some slack for a loaded machine's scheduling, none for a busy loop)
                assertTrue(gap >= 400, "frame " + i + " came " + gap + " ms after the previous one: " + frames);
            }
            assertEquals(0, camera.snapshot().reconnects(), "playing the image again is no reconnect");
        }
        long connectedLines = capture.records().stream().filter(r -> r.contains(" INFO ")
                && r.contains("camera still connected to")).count();
        assertEquals(1, connectedLines, "one 'connected' line, not one per pass: " + capture.records());
    }

    /** An MPEG-TS segment, and HLS playlists that name it over HTTP or as a local file. */
    private String serveHls(Path segment) throws Exception {
        byte[] ts = Files.readAllBytes(segment);
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        String base = "http://127.0.0.1:" + http.getAddress().getPort();
        Map<String, String> playlists = Map.of(
                "/remote.m3u8", playlist(base + "/seg0.ts"),
                "/local.m3u8", playlist("file:" + segment.toAbsolutePath()));
        http.createContext("/", ex -> {
            String path = ex.getRequestURI().getPath();
            served.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            byte[] body = path.startsWith("/seg") ? ts : playlists.containsKey(path)
                    ? playlists.get(path).getBytes(StandardCharsets.UTF_8) : null;
            if (body == null) {
                ex.sendResponseHeaders(404, -1);
            } else {
                ex.getResponseHeaders().set("Content-Type", path.endsWith(".ts") ? "video/mp2t"
                        : "application/vnd.apple.mpegurl");
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
            }
            ex.close();
        });
        http.start();
        return base;
    }

    private static String playlist(String segment) {
        return "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:2.0,\n"
                + segment + "\n#EXT-X-ENDLIST\n";
    }

    @Test
    void anHlsPlaylistCannotPullInLocalFiles() throws Exception {
        Path segment = TestVideos.record(dir.resolve("seg0.ts"), 320, 240, 25, 50, 400_000);
        String base = serveHls(segment);
        VideoSource.Options options = VideoSource.Options.defaults().withTimeout(Duration.ofSeconds(5));

        // control: the same segment over HTTP plays
        try (VideoSource remote = new VideoSource(base + "/remote.m3u8", options)) {
            remote.start();
            int frames = 0;
            while (frames < 10 && remote.grab() != null) {
                frames++;
            }
            assertEquals(10, frames);
        }
        assertTrue(served.get("/seg0.ts").get() >= 1, "the segment was fetched over HTTP");

        // the playlist naming a local file: ffmpeg may not open file: from an HTTP stream
        IngestException refused = assertThrows(IngestException.class, () -> {
            try (VideoSource local = new VideoSource(base + "/local.m3u8", options)) {
                local.start();
                if (local.grab() != null) {
                    throw new AssertionError("a frame of the local file came through the playlist");
                }
                throw new IngestException("no frame");
            }
        });
        assertTrue(served.containsKey("/local.m3u8"), "ffmpeg read the playlist");
        List<String> logged = capture.records();
        assertTrue(logged.stream().anyMatch(r -> r.contains("Protocol 'file' not on whitelist 'http,https,tcp,tls,crypto'")),
                "ffmpeg refused file: by its whitelist (" + refused.getMessage() + "): " + logged);
        assertFalse(logged.stream().anyMatch(r -> r.contains("Opening 'file:")), logged.toString());
    }

    @Test
    void aLocalPlaylistCannotPullInNetworkStreams() throws Exception {
        Path segment = TestVideos.record(dir.resolve("seg0.ts"), 320, 240, 25, 50, 400_000);
        String base = serveHls(segment);
        // a playlist in a directory the operator allowed, naming a URL of this machine: ffmpeg's own defaults
        // would fetch it (server-side request forgery through a file); the file whitelist does not
        Path playlist = Files.writeString(dir.resolve("local.m3u8"), playlist(base + "/seg-from-file.ts"));
        VideoSource.Options options = VideoSource.Options.defaults().withTimeout(Duration.ofSeconds(5));
        IngestException refused = assertThrows(IngestException.class, () -> {
            try (VideoSource local = new VideoSource(playlist.toString(), options)) {
                local.start();
                if (local.grab() != null) {
                    throw new AssertionError("a frame came from " + base + " through a local playlist");
                }
                throw new IngestException("no frame");
            }
        });
        assertFalse(served.containsKey("/seg-from-file.ts"), "ffmpeg fetched the URL: " + served);
        List<String> logged = capture.records();
        assertTrue(logged.stream().anyMatch(r -> r.contains("Protocol 'http' not on whitelist 'file'")),
                "ffmpeg refused http: by the file whitelist (" + refused.getMessage() + "): " + logged);
    }
}
