package io.yolostream.ingest.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.yolostream.ingest.source.TestVideos;
import io.yolostream.kafka.embedded.EmbeddedKafka;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The control API of a real ingest service (embedded broker, real ffmpeg) refuses camera URLs outside the allowlist
 * with a 400 naming the scheme or path and the setting that allows it, before ffmpeg opens anything: a listener on
 * this machine sees no connection, no camera is added.
 */
class CameraAllowlistIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "allowlist-test-token";

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private ServerSocket probe;
    private final AtomicInteger probeConnections = new AtomicInteger();

    /** What an internal service would be: anything connecting is counted. */
    @BeforeEach
    void startProbe() throws IOException {
        probe = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!probe.isClosed()) {
                try (Socket s = probe.accept()) {
                    probeConnections.incrementAndGet();
                } catch (IOException e) {
                    return;
                }
            }
        }, "probe");
        t.setDaemon(true);
        t.start();
    }

    @AfterEach
    void stopProbe() throws IOException {
        probe.close();
    }

    private IngestService service(Map<String, String> flags) {
        EmbeddedKafka kafka = EmbeddedKafka.shared();
        Properties file = new Properties();
        file.setProperty("bootstrap-servers", kafka.bootstrapServers());
        file.setProperty("topic", kafka.uniqueTopic("frames"));
        Map<String, String> f = new LinkedHashMap<>(Map.of("http-port", "0", "http-host", "127.0.0.1",
                "api-token", TOKEN, "rtsp-timeout-ms", "1000"));
        f.putAll(flags);
        return new IngestService(IngestConfig.resolve(file, Map.of(), f));
    }

    @Test
    void urlsOutsideTheAllowlistAre400sAndReachNothing() throws Exception {
        int port = probe.getLocalPort();
        Path video = TestVideos.recordSmall(dir.resolve("videos/local.mp4"), 25, 25);
        Map<String, String> refused = new LinkedHashMap<>();
        refused.put("file:/etc/shadow", "local files are not accepted through the control API");
        refused.put("/etc/shadow", "set camera-file-dirs");
        refused.put(video.toString(), "local files are not accepted through the control API");
        refused.put("ftp://127.0.0.1:" + port + "/x.mp4", "scheme 'ftp' is never a camera");
        refused.put("gopher://127.0.0.1:" + port + "/_GET%20/metrics", "scheme 'gopher' is never a camera");
        refused.put("tcp://127.0.0.1:" + port, "scheme 'tcp' is never a camera");
        refused.put("http://127.0.0.1:" + port + "/probe?x=1", "scheme 'http' is not allowed (allowed: rtsp, rtsps);"
                + " set camera-schemes to allow it");
        refused.put("concat:/etc/passwd|/etc/shadow", "scheme 'concat' is never a camera");
        try (IngestService service = service(Map.of())) {
            String base = "http://127.0.0.1:" + service.httpPort();
            for (var e : refused.entrySet()) {
                HttpResponse<String> r = post(base, "{\"id\":\"probe\",\"url\":\"" + e.getKey() + "\",\"fps\":1}");
                assertEquals(400, r.statusCode(), e.getKey() + ": " + r.body());
                assertTrue(JSON.readTree(r.body()).get("error").asText().contains(e.getValue()),
                        e.getKey() + ": " + r.body());
            }
            assertEquals(0, JSON.readTree(get(base + "/cameras").body()).size(), "no camera was added");
        }

        // http allowed for MJPEG/HLS cameras: still not to this machine unless that is allowed too
        try (IngestService service = service(Map.of("camera-schemes", "rtsp,http"))) {
            String base = "http://127.0.0.1:" + service.httpPort();
            for (String url : List.of("http://127.0.0.1:" + port + "/probe?x=1", "http://localhost:" + port + "/",
                    "http://169.254.169.254/latest/meta-data/")) {
                HttpResponse<String> r = post(base, "{\"id\":\"probe\",\"url\":\"" + url + "\",\"fps\":1}");
                assertEquals(400, r.statusCode(), url + ": " + r.body());
                assertTrue(r.body().contains("set camera-allow-local-hosts=true"), r.body());
            }
        }
        assertEquals(0, probeConnections.get(), "nothing connected to the probe");

        // the control: with the settings that allow them, the same kinds of URL are taken and opened
        try (IngestService service = service(Map.of("camera-schemes", "rtsp,http", "camera-allow-local-hosts",
                "true", "camera-file-dirs", video.getParent().toString()))) {
            String base = "http://127.0.0.1:" + service.httpPort();
            assertEquals(201, post(base, "{\"id\":\"probe\",\"url\":\"http://127.0.0.1:" + port + "/probe\"}")
                    .statusCode());
            assertEquals(201, post(base, "{\"id\":\"local\",\"url\":\"" + video + "\",\"fps\":5}").statusCode());
            await().atMost(Duration.ofSeconds(60)).until(() -> probeConnections.get() > 0);
            await().atMost(Duration.ofSeconds(60)).until(() -> camera(base, "local").path("framesPublished")
                    .asLong() > 0);
        }
    }

    private JsonNode camera(String base, String id) throws Exception {
        return JSON.readTree(get(base + "/cameras/" + id).body());
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String base, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + "/cameras")).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
