package io.yolostream.sinks.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.yolostream.config.ConfigException;
import io.yolostream.http.testkit.ProbeTable;
import io.yolostream.http.testkit.RawHttp;
import io.yolostream.ingest.avro.FrameCodec;
import io.yolostream.sinks.config.SinksConfig;
import io.yolostream.sinks.service.ServiceFixture;
import io.yolostream.sinks.service.SinksService;
import io.yolostream.sinks.testing.Fixtures;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The live view probed as a hostile client would, against the real sinks service on the embedded broker: the viewer
 * token (header, login link, cookie), exact routes, JSON errors for bad encodings, the stream caps, and streams
 * whose clients leave (with and without new frames): the viewers gauge returns to 0 and no thread stays in a stream.
 */
class LiveViewSecurityIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "live-view-security-it-token-0123";
    private static final String BEARER = "Authorization: Bearer " + TOKEN;
    /** Known (a detection record), never a frame. */
    private static final String QUIET = "quiet";
    /** Known, with an annotated frame, then nothing new. */
    private static final String STILL = "still";
    private static final String THIRD = "third";

    private static ServiceFixture fixture;
    private static SinksService service;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        fixture = new ServiceFixture("live-security-it", 2);
        service = new SinksService(fixture.config("viewer-token", TOKEN, "live-max-viewers", "32",
                "live-max-viewers-per-camera", "16"));
        assertTrue(service.awaitRunning(Duration.ofSeconds(60)), "state " + service.state());
        port = service.httpPort();
        long t0 = System.currentTimeMillis();
        fixture.writeTransactionally(List.of(
                fixture.record(Fixtures.detection(QUIET, 1, t0, List.of())),
                fixture.record(Fixtures.detection(STILL, 1, t0, List.of())),
                fixture.record(Fixtures.detection(THIRD, 1, t0, List.of()))));
        await().atMost(Duration.ofSeconds(60)).until(() -> service.liveView().cameras().containsAll(
                List.of(QUIET, STILL, THIRD)));
        // watching STILL turns its annotation on; then one frame and its detection: its latest annotated frame
        assertEquals(200, RawHttp.get(port, "/api/cameras/" + STILL, BEARER).status());
        String frames = fixture.detections + ".frames";
        fixture.writeTransactionally(List.of(
                new ProducerRecord<>(frames, null, t0 + 40, STILL, FrameCodec.encode(Fixtures.frame(STILL, 2, t0 + 40))),
                fixture.record(Fixtures.detection(STILL, 2, t0 + 40, List.of(Fixtures.flatObject("dog", 11, 0.8f))))));
        await().atMost(Duration.ofSeconds(60)).until(() -> service.liveView().latest(STILL) != null);
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
    }

    private static String error(RawHttp.Answer a) throws IOException {
        assertEquals("application/json", a.header("content-type"), a.toString());
        return JSON.readTree(a.body()).get("error").asText();
    }

    @Test
    void listeningBeyondLoopbackWithoutAViewerTokenIsRefusedAtStart() {
        ConfigException e = assertThrows(ConfigException.class, () -> SinksConfig.of("http-host", "0.0.0.0"));
        assertTrue(e.getMessage().contains("http-host '0.0.0.0' is not a loopback address")
                && e.getMessage().contains("viewer-token (env YOLOSTREAM_SINKS_VIEWER_TOKEN, flag --viewer-token)"),
                e.getMessage());
        assertEquals("127.0.0.1", SinksConfig.of().get(SinksConfig.HTTP_HOST));
    }

    @Test
    void theViewerTokenGuardsTheLiveViewAndTheApi() throws IOException {
        for (String path : List.of("/api/cameras", "/api/cameras/" + QUIET, "/cameras/" + STILL + "/frame.jpg",
                "/cameras/" + QUIET + "/stream.mjpeg", "/counts?node=x")) {
            RawHttp.Answer a = RawHttp.get(port, path);
            assertEquals(401, a.status(), path);
            assertTrue(error(a).startsWith("expected 'Authorization: Bearer <viewer-token>', the login cookie or a "
                    + "?token= link, found none"), a.body());
        }
        for (String page : List.of("/", "/cameras/" + QUIET)) {
            RawHttp.Answer login = RawHttp.get(port, page);
            assertEquals(401, login.status(), page);
            assertTrue(login.body().contains("name=\"token\"") && login.body().contains("viewer-token"), login.body());
            assertFalse(login.body().contains(QUIET), "the login page shows no camera");
        }
        for (String open : List.of("/metrics", "/health", "/static/app.js", "/static/app.css")) {
            assertEquals(200, RawHttp.get(port, open).status(), open);
        }
        assertEquals(200, RawHttp.get(port, "/api/cameras", BEARER).status());

        RawHttp.Answer link = RawHttp.get(port, "/?token=" + TOKEN);
        assertEquals(303, link.status());
        assertEquals("/", link.header("location"));
        String cookie = link.header("set-cookie");
        assertTrue(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), cookie);
        String pair = "Cookie: " + cookie.substring(0, cookie.indexOf(';'));
        assertEquals(200, RawHttp.get(port, "/", pair).status());
        assertEquals(200, RawHttp.get(port, "/cameras/" + QUIET, pair).status());
        RawHttp.Answer api = RawHttp.get(port, "/api/cameras", pair);
        assertEquals(200, api.status());
        assertTrue(JSON.readTree(api.body()).findValuesAsText("id").containsAll(List.of(QUIET, STILL)), api.body());
        RawHttp.Answer jpeg = RawHttp.get(port, "/cameras/" + STILL + "/frame.jpg", pair);
        assertEquals(200, jpeg.status());
        assertEquals("image/jpeg", jpeg.header("content-type"));
    }

    @Test
    void routesAreExactAndBadEncodingsAreJson400s() throws IOException {
        assertEquals(404, RawHttp.get(port, "/healthX").status());
        assertEquals(404, RawHttp.get(port, "/api/camerasX", BEARER).status());
        assertEquals(404, RawHttp.get(port, "/cameras/" + QUIET + "/stream.mjpegX", BEARER).status());
        RawHttp.Answer delete = RawHttp.request(port, "DELETE", "/health", "");
        assertEquals(405, delete.status());
        assertEquals("GET", delete.header("allow"));
        assertEquals(405, RawHttp.request(port, "POST", "/api/cameras", "{}", BEARER,
                "Content-Type: application/json").status());
        for (String q : List.of("camera=%zz&node=dog", "camera=%&node=dog", "node=%E0%A4%A")) {
            RawHttp.Answer a = RawHttp.get(port, "/counts?" + q, BEARER);
            assertEquals(400, a.status(), q);
            assertTrue(error(a).startsWith("query parameter"), a.body());
        }
        RawHttp.Answer unknown = RawHttp.get(port, "/api/cameras/" + "x".repeat(5000), BEARER);
        assertEquals(404, unknown.status());
        assertTrue(error(unknown).length() < 600, error(unknown));
        assertEquals(403, RawHttp.send(port, "GET /api/cameras HTTP/1.1\r\nHost: evil.example\r\n" + BEARER
                + "\r\n\r\n").status(), "DNS rebinding");
    }

    @Test
    void theDocumentedProbesGetTheDocumentedAnswers() throws IOException {
        int probes = ProbeTable.check("sinks", port, TOKEN);
        assertTrue(probes >= 10, "the table of docs/security.md has the sinks probes: " + probes);
    }

    /** Opens a stream (raw socket) and reads its answer head; the caller closes the socket to leave. */
    private static Socket openStream(String camera, int expectedStatus) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(30_000);
        s.getOutputStream().write(("GET /cameras/" + camera + "/stream.mjpeg HTTP/1.1\r\nHost: 127.0.0.1:" + port
                + "\r\n" + BEARER + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        InputStream in = s.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        String h = head.toString(StandardCharsets.ISO_8859_1);
        assertTrue(h.startsWith("HTTP/1.1 " + expectedStatus + " "), camera + ": " + h);
        if (expectedStatus == 200) {
            assertTrue(h.contains("Content-Type: multipart/x-mixed-replace; boundary="), h);
        }
        return s;
    }

    private static long threadsInAStream() {
        return Thread.getAllStackTraces().values().stream().filter(stack -> Arrays.stream(stack).anyMatch(f ->
                f.getClassName().equals(WebPages.class.getName()) && f.getMethodName().equals("stream"))).count();
    }

    private static int viewersGauge() {
        return (int) service.registry().get("yolostream.sinks.viewers").gauge().value();
    }

    @Test
    void streamsAreCappedAndClientsThatLeaveFreeTheirSlotAndThread() throws IOException {
        List<Socket> open = new ArrayList<>();
        try {
            // 30 streams: 16 of a camera without frames, 14 of a camera whose frame does not change
            for (int i = 0; i < 16; i++) {
                open.add(openStream(QUIET, 200));
            }
            for (int i = 0; i < 14; i++) {
                open.add(openStream(STILL, 200));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> viewersGauge() == 30 && threadsInAStream() == 30);
            // a STILL stream gets its frame (and again as a heartbeat)
            byte[] part = open.get(open.size() - 1).getInputStream().readNBytes(60);
            assertTrue(new String(part, StandardCharsets.ISO_8859_1).startsWith("--yolostreamframe\r\nContent-Type: "
                    + "image/jpeg"), new String(part, StandardCharsets.ISO_8859_1));

            try (Socket refused = openStream(QUIET, 503)) {
                String body = new String(refused.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(body.contains("at most 16 streams of one camera") && body.contains(
                        "live-max-viewers-per-camera"), body);
            }
            open.add(openStream(STILL, 200));
            open.add(openStream(THIRD, 200));
            try (Socket refused = openStream(THIRD, 503)) {
                String body = new String(refused.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(body.contains("at most 32 streams open at once (live-max-viewers), found 32"), body);
            }
            // the pages and the API still answer with every stream slot taken
            assertEquals(200, RawHttp.get(port, "/api/cameras", BEARER).status());
            assertEquals(200, RawHttp.get(port, "/health").status());
        } finally {
            for (Socket s : open) {
                s.close(); // the clients leave, without a word
            }
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> viewersGauge() == 0);
        await().atMost(Duration.ofSeconds(30)).until(() -> threadsInAStream() == 0);
        // and the slots are free again
        try (Socket again = openStream(QUIET, 200)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> viewersGauge() == 1);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> viewersGauge() == 0 && threadsInAStream() == 0);
        assertTrue(service.registry().scrape().contains("yolostream_sinks_viewers 0.0"),
                "the gauge as Prometheus reads it");
    }
}
