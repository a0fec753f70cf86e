package io.yolostream.ingest.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.yolostream.config.ConfigException;
import io.yolostream.http.testkit.ProbeTable;
import io.yolostream.http.testkit.RawHttp;
import io.yolostream.kafka.embedded.EmbeddedKafka;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The control API probed as a hostile client would, against the real ingest service on the embedded broker, with
 * requests written byte for byte: binding, the token, cross-site writes and forged Host names, exact routes, body
 * size, strict JSON, and what a refusal echoes. Each probe also checks that nothing changed.
 */
class ControlApiSecurityIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "control-api-security-it-token-0123";
    private static final String BEARER = "Authorization: Bearer " + TOKEN;
    private static final String TYPE = "Content-Type: application/json";

    private IngestService service;
    private int port;

    @BeforeEach
    void start() {
        EmbeddedKafka kafka = EmbeddedKafka.shared();
        Properties file = new Properties();
        file.setProperty("bootstrap-servers", kafka.bootstrapServers());
        file.setProperty("topic", kafka.uniqueTopic("frames-security"));
        service = new IngestService(IngestConfig.resolve(file, Map.of(), Map.of("http-port", "0", "api-token", TOKEN,
                "rtsp-timeout-ms", "1000")));
        port = service.httpPort();
    }

    @AfterEach
    void stop() {
        service.close();
    }

    private RawHttp.Answer create(String id) throws IOException {
        return RawHttp.request(port, "POST", "/cameras", "{\"id\":\"" + id + "\",\"url\":\"rtsp://127.0.0.1:1/" + id
                + "\",\"fps\":1}", BEARER, TYPE);
    }

    private List<String> ids() throws IOException {
        RawHttp.Answer list = RawHttp.get(port, "/cameras", BEARER);
        assertEquals(200, list.status(), list.toString());
        return JSON.readTree(list.body()).findValuesAsText("id");
    }

    private static String error(RawHttp.Answer a) throws IOException {
        assertEquals("application/json", a.header("content-type"), a.toString());
        return JSON.readTree(a.body()).get("error").asText();
    }

    @Test
    void listeningBeyondLoopbackWithoutATokenIsRefusedAtStart() throws IOException {
        ConfigException config = assertThrows(ConfigException.class, () -> IngestConfig.resolve(new Properties(),
                Map.of("YOLOSTREAM_INGEST_HTTP_HOST", "0.0.0.0"), Map.of()));
        assertTrue(config.getMessage().contains("http-host '0.0.0.0' is not a loopback address")
                && config.getMessage().contains("api-token (env YOLOSTREAM_INGEST_API_TOKEN, flag --api-token)"),
                config.getMessage());
        // the API itself refuses too, before it listens
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        assertThrows(ConfigException.class, () -> new ControlApi("0.0.0.0", 0, service.cameras(), registry, null,
                (id, f) -> null));
        // with a token it listens there, and the camera routes want the token
        try (ControlApi open = new ControlApi("0.0.0.0", 0, service.cameras(), registry, TOKEN, (id, f) -> null)) {
            assertEquals(401, RawHttp.get(open.port(), "/cameras").status());
            assertEquals(200, RawHttp.get(open.port(), "/cameras", BEARER).status());
            // not on loopback, the Host is not checked: the token is what guards it
            assertEquals(200, RawHttp.send(open.port(), "GET /health HTTP/1.1\r\nHost: cameras.example\r\n\r\n")
                    .status());
        }
        // and by default it listens on loopback only
        assertEquals("127.0.0.1", IngestConfig.resolve(new Properties(), Map.of(), Map.of())
                .get(IngestConfig.HTTP_HOST));
        try (Socket s = new Socket("127.0.0.1", port)) {
            assertTrue(s.isConnected());
        }
    }

    @Test
    void everyCameraRouteNeedsTheTokenWhileMetricsAndHealthStayOpen() throws IOException {
        assertEquals(201, create("demo").status());
        for (String[] r : List.of(new String[]{"GET", "/cameras", ""}, new String[]{"POST", "/cameras", "{}"},
                new String[]{"GET", "/cameras/demo", ""}, new String[]{"PUT", "/cameras/demo", "{}"},
                new String[]{"DELETE", "/cameras/demo", ""})) {
            RawHttp.Answer none = RawHttp.request(port, r[0], r[1], r[2], TYPE);
            assertEquals(401, none.status(), r[0] + " " + r[1]);
            assertEquals("expected 'Authorization: Bearer <api-token>', found none", error(none));
            RawHttp.Answer wrong = RawHttp.request(port, r[0], r[1], r[2], TYPE, "Authorization: Bearer nope");
            assertEquals(401, wrong.status(), r[0] + " " + r[1]);
            assertEquals("Bearer realm=\"yolostream-ingest\"", wrong.header("www-authenticate"));
        }
        assertEquals(List.of("demo"), ids(), "nothing changed");
        assertEquals(200, RawHttp.get(port, "/metrics").status());
        assertEquals(200, RawHttp.get(port, "/health").status());
        assertEquals(401, RawHttp.get(port, "/cameras?token=" + TOKEN).status(), "the API takes no link token");
    }

    @Test
    void crossSiteWritesAndForgedHostsAreRefused() throws IOException {
        String body = "{\"id\":\"csrf\",\"url\":\"rtsp://127.0.0.1:1/x\"}";
        RawHttp.Answer foreign = RawHttp.request(port, "POST", "/cameras", body, BEARER, TYPE,
                "Origin: http://evil.example");
        assertEquals(403, foreign.status());
        assertTrue(error(foreign).startsWith("Origin 'http://evil.example': expected this server's own origin"),
                foreign.body());
        RawHttp.Answer text = RawHttp.request(port, "POST", "/cameras", body, BEARER, "Content-Type: text/plain");
        assertEquals(403, text.status());
        assertTrue(error(text).startsWith("Content-Type 'text/plain': expected application/json"), text.body());
        RawHttp.Answer form = RawHttp.request(port, "POST", "/cameras", body, BEARER,
                "Content-Type: application/x-www-form-urlencoded");
        assertEquals(403, form.status());
        RawHttp.Answer rebound = RawHttp.send(port, "POST /cameras HTTP/1.1\r\nHost: evil.example:" + port + "\r\n"
                + BEARER + "\r\n" + TYPE + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
        assertEquals(403, rebound.status());
        assertTrue(error(rebound).contains("expected a loopback name"), rebound.body());
        assertEquals(403, RawHttp.send(port, "GET /cameras HTTP/1.1\r\nHost: evil.example\r\n" + BEARER
                + "\r\n\r\n").status(), "reads too: a rebound page must not read the cameras");
        assertEquals(List.of(), ids(), "no camera was created");
        RawHttp.Answer same = RawHttp.request(port, "POST", "/cameras", body, BEARER, TYPE,
                "Origin: http://127.0.0.1:" + port);
        assertEquals(201, same.status(), "a page of this server may write: " + same);
    }

    @Test
    void routesAreExact() throws IOException {
        assertEquals(201, create("demo").status());
        RawHttp.Answer prefix = RawHttp.request(port, "DELETE", "/camerasXdemo", "", BEARER);
        assertEquals(404, prefix.status());
        assertTrue(error(prefix).startsWith("path '/camerasXdemo': expected one of /health, /metrics, /cameras, "
                + "/cameras/{id}"), prefix.body());
        assertEquals(404, RawHttp.request(port, "DELETE", "/cameras/demo/x", "", BEARER).status());
        assertEquals(404, RawHttp.request(port, "DELETE", "/cameras/", "", BEARER).status());
        assertEquals(List.of("demo"), ids(), "demo survived");
        assertEquals(404, RawHttp.get(port, "/healthX").status());
        RawHttp.Answer delete = RawHttp.request(port, "DELETE", "/health", "");
        assertEquals(405, delete.status());
        assertEquals("GET", delete.header("allow"));
        RawHttp.Answer patch = RawHttp.request(port, "PATCH", "/cameras/demo", "{}", BEARER, TYPE);
        assertEquals(405, patch.status());
        assertEquals("DELETE, GET, PUT", patch.header("allow"));
        assertEquals(204, RawHttp.request(port, "DELETE", "/cameras/demo", "", BEARER).status());
    }

    @Test
    void badBodiesAre413Or400AndChangeNothing() throws IOException {
        assertEquals(201, create("other").status());
        RawHttp.Answer huge = RawHttp.send(port, "POST /cameras HTTP/1.1\r\nHost: 127.0.0.1\r\n" + BEARER + "\r\n"
                + TYPE + "\r\nContent-Length: 20000000\r\n\r\n{\"id\":");
        assertEquals(413, huge.status());
        assertEquals("request body: expected at most 65536 bytes (64 KiB), found 20000000 bytes", error(huge));

        // duplicate keys: the last one does not win (it would have replaced camera 'other')
        RawHttp.Answer dup = RawHttp.request(port, "POST", "/cameras", "{\"id\":\"new\",\"url\":\"rtsp://127.0.0.1:1/n\","
                + "\"id\":\"other\"}", BEARER, TYPE);
        assertEquals(400, dup.status());
        assertTrue(error(dup).contains("found a key twice (Duplicate field 'id'"), dup.body());
        JsonNode other = JSON.readTree(RawHttp.get(port, "/cameras/other", BEARER).body());
        assertEquals("rtsp://127.0.0.1:1/other", other.get("url").asText(), "other unchanged");

        RawHttp.Answer number = RawHttp.request(port, "POST", "/cameras", "{\"id\":\"n\",\"url\":123}", BEARER, TYPE);
        assertEquals(400, number.status());
        assertEquals("field 'url': expected a string, found 123", error(number));
        RawHttp.Answer fps = RawHttp.request(port, "POST", "/cameras", "{\"id\":\"n\",\"url\":\"rtsp://h/s\","
                + "\"fps\":\"5\"}", BEARER, TYPE);
        assertEquals(400, fps.status());
        assertEquals("field 'fps': expected a number, found \"5\"", error(fps));
        RawHttp.Answer quality = RawHttp.request(port, "POST", "/cameras", "{\"id\":\"n\",\"url\":\"rtsp://h/s\","
                + "\"quality\":85.5}", BEARER, TYPE);
        assertEquals(400, quality.status());
        assertEquals(400, RawHttp.request(port, "POST", "/cameras", "[]", BEARER, TYPE).status());
        assertEquals(400, RawHttp.request(port, "POST", "/cameras", "{\"id\":\"n\",\"url\":\"rtsp://h/s\",\"x\":1}",
                BEARER, TYPE).status());
        assertEquals(List.of("other"), ids());
    }

    @Test
    void theDocumentedProbesGetTheDocumentedAnswers() throws IOException {
        assertEquals(201, create("demo").status());
        assertEquals(201, create("other").status());
        int probes = ProbeTable.check("ingest", port, TOKEN);
        assertTrue(probes >= 20, "the table of docs/security.md has the ingest probes: " + probes);
        assertEquals(List.of("demo", "other"), ids(), "every probe was refused: nothing added, deleted or replaced");
        assertEquals("rtsp://127.0.0.1:1/other", JSON.readTree(RawHttp.get(port, "/cameras/other", BEARER).body())
                .get("url").asText());
    }

    @Test
    void aHugeIdIsEchoedOnceAndShortened() throws IOException {
        String id = "a".repeat(10_000);
        RawHttp.Answer post = RawHttp.request(port, "POST", "/cameras", "{\"id\":\"" + id + "\",\"url\":\"rtsp://h/s\"}",
                BEARER, TYPE);
        assertEquals(400, post.status());
        String message = error(post);
        assertTrue(message.contains("id: expected 1-64 characters") && message.contains("(10000 characters)"), message);
        assertTrue(message.length() < 300, message);
        assertEquals(1, message.split("a{64}", -1).length - 1, "echoed once: " + message);

        String pathId = "p".repeat(5_000); // a request line stays under 8 KiB (414 beyond)
        RawHttp.Answer put = RawHttp.request(port, "PUT", "/cameras/" + pathId, "{\"id\":\"b" + id + "\"}", BEARER,
                TYPE);
        assertEquals(400, put.status());
        assertTrue(error(put).length() < 400, error(put));
        RawHttp.Answer get = RawHttp.get(port, "/cameras/" + pathId, BEARER);
        assertEquals(404, get.status());
        assertTrue(error(get).length() < 200, error(get));
        assertEquals(414, RawHttp.get(port, "/cameras/" + id, BEARER).status());
        assertFalse(RawHttp.get(port, "/cameras/%zz", BEARER).body().contains("<h1>"), "JSON, not HTML");
        assertEquals(400, RawHttp.get(port, "/cameras/%zz", BEARER).status());
    }
}
