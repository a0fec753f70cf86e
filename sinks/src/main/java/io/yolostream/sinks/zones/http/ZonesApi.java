package io.yolostream.sinks.zones.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.yolostream.sinks.common.SinksException;
import io.yolostream.sinks.zones.ZoneException;
import io.yolostream.sinks.zones.ZoneJson;
import io.yolostream.sinks.zones.ZoneSpec;
import io.yolostream.sinks.zones.ZoneStore;
import io.yolostream.sinks.zones.ZoneWriter;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The zones API on the sinks' HTTP server, one handler with its own routes:
 * <ul>
 * <li>{@code GET /api/zones} — every camera's zones and lines;</li>
 * <li>{@code GET /api/zones/{camera}} — one camera's;</li>
 * <li>{@code PUT /api/zones/{camera}/{id}} — create or replace one (JSON body, see {@link ZoneJson});</li>
 * <li>{@code DELETE /api/zones/{camera}/{id}} — delete one.</li>
 * </ul>
 * Writes go to the compacted zones topic (every sinks instance reads it whole) and need
 * {@code Authorization: Bearer <api-token>} when a token is configured; a write whose {@code Origin} header is not
 * this server's own is refused (a web page elsewhere cannot change zones through a browser). Reads come from this
 * instance's copy of the topic, which follows a write within moments.
 */
public final class ZonesApi implements HttpHandler {
    /** The routes, for the 404/405 answers and the HTTP layer. */
    public static final List<String> ROUTES = List.of("GET /api/zones", "GET /api/zones/{camera}",
            "PUT /api/zones/{camera}/{id}", "DELETE /api/zones/{camera}/{id}");
    public static final String PREFIX = "/api/zones";
    private static final Logger LOG = LoggerFactory.getLogger(ZonesApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Request bodies larger than this are refused (a zone is a few hundred bytes). */
    static final int MAX_BODY = 64 * 1024;

    private final ZoneWriter writer;
    private final Supplier<ReadOnlyKeyValueStore<String, byte[]>> store;
    private final byte[] token;

    /**
     * @param store the global zones store (queried per request: it is not there while the Streams app starts)
     * @param token bearer token of the writes, null = open
     */
    public ZonesApi(ZoneWriter writer, Supplier<ReadOnlyKeyValueStore<String, byte[]>> store, String token) {
        this.writer = writer;
        this.store = store;
        this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try (ex) {
            List<String> seg = segments(ex.getRequestURI().getRawPath());
            String method = ex.getRequestMethod();
            if (seg.size() < 2 || !seg.get(0).equals("api") || !seg.get(1).equals("zones") || seg.size() > 4) {
                error(ex, 404, "path " + ex.getRequestURI().getRawPath() + ": expected one of " + ROUTES);
                return;
            }
            boolean write = seg.size() == 4 && (method.equals("PUT") || method.equals("DELETE"));
            boolean read = seg.size() <= 3 && method.equals("GET");
            if (!write && !read) {
                error(ex, 405, method + " " + ex.getRequestURI().getRawPath() + ": expected one of " + ROUTES);
                return;
            }
            if (write && !authorized(ex)) {
                return;
            }
            try {
                if (read) {
                    ReadOnlyKeyValueStore<String, byte[]> s = store.get();
                    List<ZoneSpec> zones = seg.size() == 3 ? ZoneStore.of(s, seg.get(2)) : ZoneStore.all(s);
                    json(ex, 200, Map.of("zones", zones.stream().map(ZoneJson::toMap).toList()));
                } else if (method.equals("PUT")) {
                    byte[] body = body(ex);
                    ZoneSpec z = ZoneJson.parse(body, seg.get(2), seg.get(3), "zone " + seg.get(2) + "/" + seg.get(3));
                    boolean existed = exists(z.camera(), z.id());
                    writer.put(z, "api");
                    json(ex, existed ? 200 : 201, ZoneJson.toMap(z));
                } else {
                    if (!exists(seg.get(2), seg.get(3))) {
                        error(ex, 404, "zone " + seg.get(2) + "/" + seg.get(3) + ": expected an existing zone, found "
                                + "none");
                        return;
                    }
                    writer.delete(seg.get(2), seg.get(3));
                    ex.sendResponseHeaders(204, -1);
                }
            } catch (ZoneException e) {
                error(ex, 400, e.getMessage());
            } catch (InvalidStateStoreException e) {
                error(ex, 503, "zones: this instance's copy of the zones topic is not ready (starting or "
                        + "rebalancing): " + e.getMessage());
            } catch (SinksException e) {
                LOG.warn("zones API: {}", e.getMessage());
                error(ex, 503, e.getMessage());
            }
        }
    }

    private boolean exists(String camera, String id) {
        try {
            return ZoneStore.of(store.get(), camera).stream().anyMatch(z -> z.id().equals(id));
        } catch (InvalidStateStoreException e) {
            return false;
        }
    }

    /** The token (when configured) and the Origin (when sent): a 401/403 answer has been sent when false. */
    private boolean authorized(HttpExchange ex) throws IOException {
        String origin = ex.getRequestHeaders().getFirst("Origin");
        String host = ex.getRequestHeaders().getFirst("Host");
        if (origin != null && (host == null || !(origin.equals("http://" + host) || origin.equals("https://" + host)))) {
            error(ex, 403, "Origin: expected this server's own (http://" + host + ") for a write, found " + origin);
            return false;
        }
        if (token == null) {
            return true;
        }
        String h = ex.getRequestHeaders().getFirst("Authorization");
        if (h != null && h.startsWith("Bearer ")
                && MessageDigest.isEqual(token, h.substring(7).strip().getBytes(StandardCharsets.UTF_8))) {
            return true;
        }
        ex.getResponseHeaders().set("WWW-Authenticate", "Bearer");
        error(ex, 401, "expected 'Authorization: Bearer <api-token>', found " + (h == null ? "none" : "a wrong token"));
        return false;
    }

    private static byte[] body(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            byte[] b = in.readNBytes(MAX_BODY + 1);
            if (b.length > MAX_BODY) {
                throw new ZoneException("request body: expected at most " + MAX_BODY + " bytes, found more");
            }
            return b;
        }
    }

    /** Path segments, each percent-decoded ({@code +} stays a plus: this is a path, not a form). */
    static List<String> segments(String rawPath) {
        List<String> out = new ArrayList<>();
        for (String s : rawPath.split("/")) {
            if (!s.isEmpty()) {
                out.add(URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static void json(HttpExchange ex, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void error(HttpExchange ex, int status, String message) throws IOException {
        json(ex, status, Map.of("error", message));
    }
}
