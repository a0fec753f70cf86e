package io.yolostream.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.yolostream.config.ConfigException;
import io.yolostream.config.ConfigKey;
import io.yolostream.config.ServiceKeys;
import io.yolostream.http.testkit.RawHttp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The HTTP layer on a real socket, probed with raw requests: every rule of {@link HttpApi}, one by one. */
class HttpApiTest {
    static final ConfigKey<String> TOKEN_KEY = ServiceKeys.httpToken("api-token", "the test routes");
    static final String TOKEN = "a-test-token-of-32-characters-xx";
    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpApi api;

    @AfterEach
    void stop() {
        if (api != null) {
            api.close();
        }
    }

    /** /health open; /cameras and /cameras/{id} protected; /page a page; /echo takes a JSON body. */
    private HttpApi start(String token, boolean browserLogin) {
        HttpApi.Builder b = HttpApi.builder("ingest", ServiceKeys.HTTP_HOST, "127.0.0.1", 0)
                .token(TOKEN_KEY, token)
                .open("GET", "/health", c -> c.json(200, Map.of("status", "UP")))
                .route("GET", "/cameras", c -> c.json(200, Map.of("query", c.query())))
                .route("POST", "/cameras", c -> c.json(201, Map.of("got", c.jsonBody("a JSON object"))))
                .route("GET", "/cameras/{id}", c -> c.json(200, Map.of("id", c.param("id"))))
                .route("DELETE", "/cameras/{id}", Call::noContent)
                .page("GET", "/page", c -> c.send(200, "text/html; charset=utf-8",
                        "<p>page</p>".getBytes(StandardCharsets.UTF_8), Map.of()));
        if (browserLogin) {
            b.browserLogin();
        }
        api = b.start();
        return api;
    }

    private static JsonNode json(RawHttp.Answer a) throws IOException {
        assertEquals("application/json", a.header("content-type"), a.toString());
        return JSON.readTree(a.body());
    }

    private static String error(RawHttp.Answer a) throws IOException {
        return json(a).get("error").asText();
    }

    @Test
    void routesMatchExactlyElse404Or405WithAllow() throws IOException {
        int port = start(null, false).port();
        assertEquals(200, RawHttp.get(port, "/health").status());
        RawHttp.Answer prefix = RawHttp.get(port, "/healthX");
        assertEquals(404, prefix.status());
        assertTrue(error(prefix).contains("path '/healthX': expected one of /health, /cameras, /cameras/{id}, /page"),
                prefix.body());
        RawHttp.Answer delete = RawHttp.request(port, "DELETE", "/health", "");
        assertEquals(405, delete.status());
        assertEquals("GET", delete.header("allow"));
        assertEquals(404, RawHttp.request(port, "DELETE", "/camerasXdemo", "").status());
        assertEquals(404, RawHttp.get(port, "/cameras/").status(), "a trailing slash is another path");
        assertEquals(404, RawHttp.get(port, "/cameras/a/b").status());
        assertEquals(404, RawHttp.get(port, "//health").status());
        assertEquals(404, RawHttp.get(port, "/").status());
        RawHttp.Answer put = RawHttp.request(port, "PUT", "/cameras", "{}", "Content-Type: application/json");
        assertEquals(405, put.status());
        assertEquals("GET, POST", put.header("allow"));
        assertEquals(405, RawHttp.send(port, "HEAD /health HTTP/1.1\r\nHost: localhost\r\n\r\n").status());
    }

    @Test
    void pathParametersAndQueriesAreDecodedStrictlyWithJson400s() throws IOException {
        int port = start(null, false).port();
        assertEquals("gate/1 <b>", json(RawHttp.get(port, "/cameras/gate%2F1%20%3Cb%3E")).get("id").asText());
        assertEquals("a+b", json(RawHttp.get(port, "/cameras/a+b")).get("id").asText(), "+ is a plus in a path");
        RawHttp.Answer badEscape = RawHttp.get(port, "/cameras/%zz");
        assertEquals(400, badEscape.status());
        assertTrue(error(badEscape).contains("expected %XX with two hex digits"), badEscape.body());
        RawHttp.Answer notUtf8 = RawHttp.get(port, "/cameras/%C3%28");
        assertEquals(400, notUtf8.status());
        assertTrue(error(notUtf8).contains("expected percent-encoded UTF-8"), notUtf8.body());
        assertEquals("x y", json(RawHttp.get(port, "/cameras?camera=x+y")).at("/query/camera").asText());
        for (String q : List.of("camera=%zz", "camera=%", "camera=%4", "%zz=1", "camera=%FF")) {
            RawHttp.Answer a = RawHttp.get(port, "/cameras?" + q);
            assertEquals(400, a.status(), q + ": " + a);
            assertTrue(error(a).startsWith("query parameter"), a.body());
        }
    }

    @Test
    void malformedRequestsGetJsonAnswersNotHtml() throws IOException {
        int port = start(null, false).port();
        String host = "Host: 127.0.0.1:" + port + "\r\n";
        Map<String, Integer> probes = new java.util.LinkedHashMap<>();
        probes.put("GET /a b HTTP/1.1\r\n" + host + "\r\n", 400);
        probes.put("get /health HTTP/1.1\r\n" + host + "\r\n", 400);
        probes.put("GET /health HTTP/2.0\r\n" + host + "\r\n", 505);
        probes.put("GET http://127.0.0.1/health HTTP/1.1\r\n" + host + "\r\n", 400);
        probes.put("GET /health#x HTTP/1.1\r\n" + host + "\r\n", 400);
        probes.put("GET /h\u00e9alth HTTP/1.1\r\n" + host + "\r\n", 400);
        probes.put("GET /health HTTP/1.1\r\n\r\n", 400);
        probes.put("GET /health HTTP/1.1\r\n" + host + host + "\r\n", 400);
        probes.put("GET /health HTTP/1.1\r\n" + host + "X-A: 1\r\n continued\r\n\r\n", 400);
        probes.put("GET /health HTTP/1.1\r\n" + host + "Bad Name: 1\r\n\r\n", 400);
        probes.put("GET /health HTTP/1.1\r\n" + host + "X-A: a\u0001b\r\n\r\n", 400);
        probes.put("POST /cameras HTTP/1.1\r\n" + host + "Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n", 400);
        probes.put("POST /cameras HTTP/1.1\r\n" + host + "Transfer-Encoding: gzip\r\n\r\n", 501);
        probes.put("POST /cameras HTTP/1.1\r\n" + host + "Content-Length: 2\r\nContent-Length: 3\r\n\r\n", 400);
        probes.put("POST /cameras HTTP/1.1\r\n" + host + "Content-Length: -1\r\n\r\n", 400);
        probes.put("GET /" + "a".repeat(9000) + " HTTP/1.1\r\n" + host + "\r\n", 414);
        probes.put("GET /health HTTP/1.1\r\n" + host + "X-A: " + "a".repeat(17_000) + "\r\n\r\n", 431);
        probes.put("GET /health HTTP/1.1\r\n" + host + "X-A: 1\r\n".repeat(101) + "\r\n", 431);
        for (Map.Entry<String, Integer> p : probes.entrySet()) {
            RawHttp.Answer a = RawHttp.send(port, p.getKey());
            String probe = p.getKey().substring(0, Math.min(60, p.getKey().length())).replace("\r\n", "\\r\\n");
            assertEquals(p.getValue(), a.status(), probe + " -> " + a);
            assertFalse(error(a).isBlank(), probe);
            assertTrue(error(a).length() < 400, "input echoed shortened: " + error(a));
        }
        // HTTP/1.0 without Host is fine (1.1 requires it)
        assertEquals(200, RawHttp.send(port, "GET /health HTTP/1.0\r\n\r\n").status());
        // a client that connects and closes gets nothing, and the server goes on
        new Socket("127.0.0.1", port).close();
        assertEquals(200, RawHttp.get(port, "/health").status());
    }

    @Test
    void onLoopbackOnlyLoopbackHostNamesAreAnswered() throws IOException {
        int port = start(null, false).port();
        for (String host : List.of("127.0.0.1:" + port, "localhost:" + port, "LOCALHOST", "127.0.0.2:" + port,
                "[::1]:" + port, "[0:0:0:0:0:0:0:1]")) {
            assertEquals(200, RawHttp.send(port, "GET /health HTTP/1.1\r\nHost: " + host + "\r\n\r\n").status(), host);
        }
        for (String host : List.of("evil.example:" + port, "evil.example", "127.0.0.1.evil.example", "localhost.evil",
                "[::2]:" + port, "127.0.0.1:80x", "0.0.0.0:" + port, "[::1")) {
            RawHttp.Answer a = RawHttp.send(port, "GET /health HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
            assertEquals(403, a.status(), host + " -> " + a);
            assertTrue(error(a).contains("expected a loopback name") && error(a).contains("DNS rebinding"), a.body());
        }
    }

    @Test
    void crossSiteWritesAreRefused() throws IOException {
        int port = start(null, false).port();
        String json = "Content-Type: application/json";
        RawHttp.Answer foreign = RawHttp.request(port, "POST", "/cameras", "{}", json, "Origin: http://evil.example");
        assertEquals(403, foreign.status());
        assertTrue(error(foreign).startsWith("Origin 'http://evil.example': expected this server's own origin"),
                foreign.body());
        assertEquals(403, RawHttp.request(port, "POST", "/cameras", "{}", json, "Origin: null").status());
        assertEquals(403, RawHttp.request(port, "DELETE", "/cameras/x", "", "Origin: http://evil.example").status());
        assertEquals(403, RawHttp.request(port, "POST", "/cameras", "{}", json,
                "Origin: http://127.0.0.1:" + (port + 1)).status(), "another port is another origin");
        assertEquals(201, RawHttp.request(port, "POST", "/cameras", "{}", json,
                "Origin: http://127.0.0.1:" + port).status(), "the page of this server");
        assertEquals(201, RawHttp.request(port, "POST", "/cameras", "{}", json).status(), "no Origin: not a browser");
        // reads are not refused for their Origin (a cross-site page cannot read the answer)
        assertEquals(200, RawHttp.get(port, "/cameras", "Origin: http://evil.example").status());

        for (String type : List.of("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; b=x",
                "application/jsonx")) {
            RawHttp.Answer a = RawHttp.request(port, "POST", "/cameras", "{}", "Content-Type: " + type);
            assertEquals(403, a.status(), type);
            assertTrue(error(a).contains("expected application/json"), a.body());
        }
        RawHttp.Answer none = RawHttp.request(port, "POST", "/cameras", "{}");
        assertEquals(403, none.status());
        assertTrue(error(none).startsWith("Content-Type 'none'"), none.body());
        assertEquals(201, RawHttp.request(port, "POST", "/cameras", "{}",
                "Content-Type: Application/JSON; charset=utf-8").status());
        assertEquals(204, RawHttp.request(port, "DELETE", "/cameras/x", "").status(), "a DELETE has no body to type");
    }

    @Test
    void protectedRoutesNeedTheBearerToken() throws IOException {
        int port = start(TOKEN, false).port();
        assertEquals(200, RawHttp.get(port, "/health").status(), "/health stays open");
        RawHttp.Answer none = RawHttp.get(port, "/cameras");
        assertEquals(401, none.status());
        assertEquals("Bearer realm=\"yolostream-ingest\"", none.header("www-authenticate"));
        assertEquals("expected 'Authorization: Bearer <api-token>', found none", error(none));
        RawHttp.Answer wrong = RawHttp.get(port, "/cameras", "Authorization: Bearer " + TOKEN + "x");
        assertEquals(401, wrong.status());
        assertTrue(error(wrong).endsWith("found a wrong token") && !wrong.body().contains(TOKEN), wrong.body());
        assertEquals(401, RawHttp.get(port, "/cameras", "Authorization: Basic " + TOKEN).status());
        assertEquals(200, RawHttp.get(port, "/cameras", "Authorization: Bearer " + TOKEN).status());
        assertEquals(200, RawHttp.get(port, "/cameras", "Authorization: bearer  " + TOKEN).status());
        // without browser login neither a ?token= link nor a page login works: the API takes the header only
        assertEquals(401, RawHttp.get(port, "/cameras?token=" + TOKEN).status());
        RawHttp.Answer page = RawHttp.get(port, "/page");
        assertEquals(401, page.status());
        assertEquals("application/json", page.header("content-type"));
        // the token check comes before the body is looked at
        assertEquals(401, RawHttp.request(port, "POST", "/cameras", "{}", "Content-Type: application/json").status());
    }

    @Test
    void browsersLogInWithTheLinkOrTheFormAndKeepACookie() throws IOException {
        int port = start(TOKEN, true).port();
        RawHttp.Answer login = RawHttp.get(port, "/page");
        assertEquals(401, login.status());
        assertTrue(login.header("content-type").startsWith("text/html"), login.toString());
        assertTrue(login.body().contains("<form method=\"get\"") && login.body().contains("name=\"token\""),
                login.body());
        assertTrue(login.header("content-security-policy").contains("default-src 'none'"));
        RawHttp.Answer wrong = RawHttp.get(port, "/page?token=nope");
        assertEquals(401, wrong.status());
        assertTrue(wrong.body().contains("That token does not match"), wrong.body());
        assertEquals(401, RawHttp.get(port, "/cameras?token=nope").status());

        RawHttp.Answer link = RawHttp.get(port, "/page?x=1&token=" + TOKEN + "&y=%20");
        assertEquals(303, link.status());
        assertEquals("/page?x=1&y=%20", link.header("location"), "the token leaves the address bar");
        String cookie = link.header("set-cookie");
        assertTrue(cookie.startsWith("yolostream-ingest-" + port + "=") && cookie.contains("HttpOnly")
                && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"), cookie);
        String pair = cookie.substring(0, cookie.indexOf(';'));
        assertFalse(pair.contains(TOKEN), "the cookie holds a digest, not the token");
        assertEquals(200, RawHttp.get(port, "/page", "Cookie: other=1; " + pair).status());
        assertEquals(200, RawHttp.get(port, "/cameras", "Cookie: " + pair).status(), "the API reads take it too");
        assertEquals(401, RawHttp.get(port, "/page", "Cookie: " + pair + "x").status());
        assertEquals(401, RawHttp.get(port, "/cameras", "Cookie: yolostream-ingest-" + (port + 1) + "="
                + pair.substring(pair.indexOf('=') + 1)).status(), "another server's cookie name");
        assertEquals(200, RawHttp.get(port, "/cameras", "Authorization: Bearer " + TOKEN).status());
    }

    @Test
    void bodiesOverTheLimitGet413BeforeBeingRead() throws IOException {
        int port = start(null, false).port();
        String json = "Content-Type: application/json";
        // a 20 MB body announced, 10 bytes sent: the answer comes without waiting for the rest
        RawHttp.Answer declared = RawHttp.send(port, "POST /cameras HTTP/1.1\r\nHost: localhost\r\n" + json
                + "\r\nContent-Length: 20000000\r\n\r\n{\"a\":1234");
        assertEquals(413, declared.status());
        assertEquals("request body: expected at most 65536 bytes (64 KiB), found 20000000 bytes", error(declared));
        String chunk = Integer.toHexString(40_000) + "\r\n" + " ".repeat(40_000) + "\r\n";
        RawHttp.Answer chunked = RawHttp.send(port, "POST /cameras HTTP/1.1\r\nHost: localhost\r\n" + json
                + "\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk + chunk + chunk + "0\r\n\r\n");
        assertEquals(413, chunked.status());
        assertTrue(error(chunked).contains("more than 65536 bytes (chunked)"), chunked.body());
        String big = "{\"a\":\"" + "x".repeat(HttpApi.MAX_BODY - 8) + "\"}";
        assertEquals(HttpApi.MAX_BODY, big.length());
        assertEquals(201, RawHttp.request(port, "POST", "/cameras", big, json).status(), "exactly 64 KiB is fine");
        assertEquals(201, RawHttp.send(port, "POST /cameras HTTP/1.1\r\nHost: localhost\r\n" + json
                + "\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n").status());
        RawHttp.Answer expect = RawHttp.send(port, "POST /cameras HTTP/1.1\r\nHost: localhost\r\n" + json
                + "\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n{}");
        assertEquals(201, expect.status(), "the interim 100 is skipped by our reader: " + expect);
    }

    @Test
    void jsonBodiesAreStrict() throws IOException {
        int port = start(null, false).port();
        String json = "Content-Type: application/json";
        RawHttp.Answer dup = RawHttp.request(port, "POST", "/cameras", "{\"id\":\"a\",\"id\":\"b\"}", json);
        assertEquals(400, dup.status());
        assertTrue(error(dup).startsWith("request body: expected a JSON object, found a key twice (Duplicate field 'id'"),
                dup.body());
        assertEquals(400, RawHttp.request(port, "POST", "/cameras", "{} {}", json).status());
        assertEquals(400, RawHttp.request(port, "POST", "/cameras", "{\"a\":", json).status());
        assertEquals(400, RawHttp.request(port, "POST", "/cameras", "", json).status());
        assertEquals(201, RawHttp.request(port, "POST", "/cameras", "{\"a\":{\"a\":1}}", json).status());
    }

    @Test
    void anotherAddressThanLoopbackNeedsAToken() {
        ConfigException e = assertThrows(ConfigException.class, () -> HttpApi.builder("ingest", ServiceKeys.HTTP_HOST,
                "0.0.0.0", 0).token(TOKEN_KEY, null).route("GET", "/cameras", c -> c.json(200, "x")).start());
        assertEquals("ingest HTTP: http-host '0.0.0.0' is not a loopback address, and this server's routes would be "
                + "open to the network: expected api-token (env YOLOSTREAM_INGEST_API_TOKEN, flag --api-token) to be "
                + "set, found none; set a token, or keep http-host=127.0.0.1 (YOLOSTREAM_INGEST_HTTP_HOST)",
                e.getMessage());
        assertThrows(ConfigException.class, () -> HttpApi.builder("ingest", ServiceKeys.HTTP_HOST, "0.0.0.0", 0)
                .token(TOKEN_KEY, "").route("GET", "/cameras", c -> c.json(200, "x")).start(), "empty = none");
        // with a token, or with open routes only (a detector's /metrics and /health), any address will do
        try (HttpApi withToken = HttpApi.builder("ingest", ServiceKeys.HTTP_HOST, "0.0.0.0", 0).token(TOKEN_KEY, TOKEN)
                .route("GET", "/cameras", c -> c.json(200, "x")).start();
             HttpApi openOnly = HttpApi.builder("detect", ServiceKeys.HTTP_HOST, "0.0.0.0", 0)
                     .open("GET", "/health", c -> c.json(200, "x")).start()) {
            assertTrue(withToken.port() > 0 && openOnly.port() > 0);
        }
        assertNull(Binding.problem("ingest", ServiceKeys.HTTP_HOST, "localhost", TOKEN_KEY, null));
        assertTrue(Binding.problem("ingest", ServiceKeys.HTTP_HOST, "no-such-host.invalid", TOKEN_KEY, null)
                .contains("unknown host"));
    }

    @Test
    void aClientThatStopsReadingIsDroppedAndItsThreadFreed() throws Exception {
        AtomicReference<Throwable> ended = new AtomicReference<>();
        byte[] chunk = new byte[64 * 1024];
        api = HttpApi.builder("sinks", ServiceKeys.HTTP_HOST, "127.0.0.1", 0).writeTimeout(Duration.ofSeconds(1))
                .open("GET", "/stream", c -> {
                    OutputStream out = c.stream("application/octet-stream", Map.of());
                    try {
                        while (true) {
                            out.write(chunk);
                            out.flush();
                        }
                    } catch (IOException e) {
                        ended.set(e);
                        throw e;
                    }
                }).start();
        try (Socket s = new Socket("127.0.0.1", api.port())) {
            s.setReceiveBufferSize(4096);
            s.getOutputStream().write(("GET /stream HTTP/1.1\r\nHost: localhost\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            assertTrue(in.read(new byte[100]) > 0, "the stream started");
            // and now this client reads no more
            await().atMost(Duration.ofSeconds(60)).until(() -> ended.get() != null);
            await().atMost(Duration.ofSeconds(30)).until(() -> api.active() == 0);
        }
    }

    @Test
    void aClientThatSendsTooSlowlyIsDropped() throws Exception {
        int port = start(null, false).port();
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.getOutputStream().write("GET /health HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
            // ... and nothing more: the read times out (10 s of silence) with a 408
            RawHttp.Answer a = RawHttp.read(s.getInputStream());
            assertEquals(408, a.status());
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> api.active() == 0);
    }

    @Test
    void tokensAreRandomAndTheirFileIsTheOwnersOnly(@TempDir Path dir) throws IOException {
        String a = Tokens.generate();
        assertEquals(43, a.length());
        assertNotEquals(a, Tokens.generate());
        assertTrue(a.matches("[A-Za-z0-9_-]+"));
        Path file = dir.resolve("sub").resolve("run.token");
        Tokens.write(file, a);
        assertEquals(a + "\n", Files.readString(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        Tokens.write(file, "second-token-of-enough-length");
        assertEquals("second-token-of-enough-length\n", Files.readString(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertTrue(Tokens.matches(a, a) && !Tokens.matches(a, a + "x") && !Tokens.matches(a, null));
    }

    @Test
    void theTokenSettingRefusesShortTokensWithoutPrintingThem() {
        assertNull(TOKEN_KEY.validator().apply(""));
        assertNull(TOKEN_KEY.validator().apply(TOKEN));
        assertEquals("none or at least 16 printable ASCII characters without spaces",
                TOKEN_KEY.validator().apply("short"));
        assertTrue(TOKEN_KEY.validator().apply("sixteen chars with spaces") != null);
        assertTrue(TOKEN_KEY.secret());
    }
}
