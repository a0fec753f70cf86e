package io.yolostream.ingest.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.yolostream.ingest.avro.FrameCodec;
import io.yolostream.ingest.source.TestVideos;
import io.yolostream.kafka.embedded.EmbeddedKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The whole ingest service against the embedded broker: config file cameras, control API, metrics, health. */
class IngestServiceIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "t0ken-for-tests-0123456789";

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void camerasFromConfigAndApiPublishAndAreControlled() throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.shared();
        String topic = kafka.uniqueTopic("frames");
        Path video = TestVideos.recordSmall(dir.resolve("loop.mp4"), 25, 50);
        Properties file = new Properties();
        file.setProperty("bootstrap-servers", kafka.bootstrapServers());
        file.setProperty("topic", topic);
        file.setProperty("partitions", "2");
        file.setProperty("camera.lobby.url", video.toString());
        file.setProperty("camera.lobby.fps", "5");
        IngestConfig cfg = IngestConfig.resolve(file, Map.of(),
                Map.of("http-port", "0", "http-host", "127.0.0.1", "api-token", TOKEN, "rtsp-timeout-ms", "1000"));
        try (IngestService service = new IngestService(cfg)) {
            String base = "http://127.0.0.1:" + service.httpPort();

            assertEquals(401, get(base + "/cameras", null).statusCode());
            assertEquals(401, get(base + "/cameras", "wrong").statusCode());
            await("lobby publishes frames", () -> published(base, "lobby") >= 5);

            // a camera with credentials that cannot connect: masked everywhere, and lobby goes on
            HttpResponse<String> created = send(base + "/cameras", "POST",
                    "{\"id\":\"gate\",\"url\":\"rtsp://admin:hunter2@127.0.0.1:1/stream\",\"fps\":2}");
            assertEquals(201, created.statusCode(), created.body());
            assertFalse(created.body().contains("hunter2"), created.body());
            assertTrue(created.body().contains("rtsp://***:***@127.0.0.1:1/stream"), created.body());
            await("gate reports its error", () -> camera(base, "gate").path("lastError").isTextual());
            JsonNode gate = camera(base, "gate");
            assertFalse(gate.get("connected").asBoolean());
            assertFalse(gate.toString().contains("hunter2"), gate.toString());
            long before = published(base, "lobby");
            await("lobby keeps publishing while gate fails", () -> published(base, "lobby") > before + 3);

            // changing a camera replaces it; bad input is a 400 naming the problem
            HttpResponse<String> changed = send(base + "/cameras/gate", "PUT",
                    "{\"url\":\"rtsp://admin:hunter2@127.0.0.1:1/other\",\"fps\":1}");
            assertEquals(200, changed.statusCode(), changed.body());
            HttpResponse<String> bad = send(base + "/cameras", "POST", "{\"id\":\"x y\",\"url\":\"\",\"fps\":-1}");
            assertEquals(400, bad.statusCode());
            assertTrue(bad.body().contains("fps") && bad.body().contains("url"), bad.body());

            HttpResponse<String> list = get(base + "/cameras", TOKEN);
            assertEquals(2, JSON.readTree(list.body()).size(), list.body());

            HttpResponse<String> metrics = get(base + "/metrics", null);
            assertEquals(200, metrics.statusCode());
            assertTrue(metrics.body().contains("ingest_camera_frames_total{camera=\"lobby\",stage=\"sampled\"}"),
                    metrics.body());
            assertTrue(metrics.body().contains("ingest_camera_reconnects_total{camera=\"gate\"}"), metrics.body());
            assertFalse(metrics.body().contains("hunter2"));
            HttpResponse<String> health = get(base + "/health", null);
            assertEquals(200, health.statusCode());
            assertEquals("UP", JSON.readTree(health.body()).get("status").asText());

            assertEquals(204, send(base + "/cameras/gate", "DELETE", "").statusCode());
            assertEquals(404, get(base + "/cameras/gate", TOKEN).statusCode());
            assertFalse(get(base + "/metrics", null).body().contains("camera=\"gate\""), "gate's meters removed");
        }
        List<ConsumerRecord<String, byte[]>> records = kafka.readAll(topic);
        assertFalse(records.isEmpty());
        long last = -1;
        for (ConsumerRecord<String, byte[]> r : records) {
            assertEquals("lobby", r.key());
            var frame = FrameCodec.decodeFrame(r.value());
            assertEquals("lobby", frame.getCameraId());
            assertTrue(frame.getSequence() > last, "sequences increase");
            last = frame.getSequence();
        }
    }

    private long published(String base, String id) throws Exception {
        return camera(base, id).path("framesPublished").asLong();
    }

    private JsonNode camera(String base, String id) throws Exception {
        HttpResponse<String> r = get(base + "/cameras/" + id, TOKEN);
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    private HttpResponse<String> get(String url, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> send(String url, String method, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void await(String what, ThrowingCondition c) {
        org.awaitility.Awaitility.await(what).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(c::test);
    }

    @FunctionalInterface
    interface ThrowingCondition {
        boolean test() throws Exception;
    }
}
