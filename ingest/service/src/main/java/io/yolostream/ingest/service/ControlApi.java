package io.yolostream.ingest.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.yolostream.config.UrlMasker;
import io.yolostream.ingest.IngestException;
import io.yolostream.ingest.source.CameraSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.BiFunction;

/**
 * The ingest service's HTTP endpoints: the camera control API ({@code GET/POST /cameras},
 * {@code GET/PUT/DELETE /cameras/{id}}, bearer token when configured), {@code /metrics} (Prometheus) and
 * {@code /health}. Every answer masks camera credentials.
 */
public final class ControlApi implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ControlApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final CameraRegistry cameras;
    private final PrometheusMeterRegistry metrics;
    private final byte[] token;
    private final BiFunction<String, Map<String, String>, CameraSpec> specFactory;

    /**
     * @param token       bearer token for the camera routes; null = open
     * @param specFactory builds a camera from an id and its fields, filling defaults (IngestConfig::camera)
     */
    public ControlApi(String host, int port, CameraRegistry cameras, PrometheusMeterRegistry metrics, String token,
                      BiFunction<String, Map<String, String>, CameraSpec> specFactory) {
        this.cameras = cameras;
        this.metrics = metrics;
        this.token = token == null || token.isEmpty() ? null : token.getBytes(StandardCharsets.UTF_8);
        this.specFactory = specFactory;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 16);
        } catch (IOException e) {
            throw new IngestException("control API on " + host + ":" + port + ": expected a free port, found: "
                    + e.getMessage(), e);
        }
        server.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "ingest-http");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/health", this::health);
        server.createContext("/metrics", this::metrics);
        server.createContext("/cameras", this::cameras);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void health(HttpExchange ex) throws IOException {
        List<CameraStatus> all = cameras.statuses();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "UP");
        body.put("cameras", all.size());
        body.put("connected", all.stream().filter(s -> s.source().connected()).count());
        send(ex, 200, body);
    }

    private void metrics(HttpExchange ex) throws IOException {
        byte[] body = metrics.scrape().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        ex.sendResponseHeaders(200, body.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(body);
        }
    }

    private void cameras(HttpExchange ex) throws IOException {
        try {
            if (!authorized(ex)) {
                ex.getResponseHeaders().set("WWW-Authenticate", "Bearer");
                send(ex, 401, error("expected 'Authorization: Bearer <token>', found "
                        + (ex.getRequestHeaders().getFirst("Authorization") == null ? "none" : "a wrong token")));
                return;
            }
            String path = ex.getRequestURI().getPath();
            String rest = path.length() > "/cameras".length() ? path.substring("/cameras/".length()) : "";
            String method = ex.getRequestMethod();
            if (rest.isEmpty() && method.equals("GET")) {
                send(ex, 200, cameras.statuses().stream().map(CameraStatus::toJson).toList());
            } else if (rest.isEmpty() && method.equals("POST")) {
                upsert(ex, null);
            } else if (!rest.isEmpty() && !rest.contains("/") && method.equals("GET")) {
                var s = cameras.status(rest);
                if (s.isPresent()) {
                    send(ex, 200, s.get().toJson());
                } else {
                    send(ex, 404, error("camera '" + rest + "': no such camera"));
                }
            } else if (!rest.isEmpty() && !rest.contains("/") && method.equals("PUT")) {
                upsert(ex, rest);
            } else if (!rest.isEmpty() && !rest.contains("/") && method.equals("DELETE")) {
                if (cameras.remove(rest)) {
                    ex.sendResponseHeaders(204, -1);
                    ex.close();
                } else {
                    send(ex, 404, error("camera '" + rest + "': no such camera"));
                }
            } else {
                send(ex, 405, error(method + " " + path + ": expected GET/POST /cameras or GET/PUT/DELETE"
                        + " /cameras/{id}"));
            }
        } catch (IngestException | IllegalArgumentException e) {
            send(ex, 400, error(e.getMessage()));
        } catch (RuntimeException e) {
            LOG.warn("control API: " + UrlMasker.maskAll(String.valueOf(e)));
            send(ex, 500, error("internal error: " + e.getClass().getSimpleName()));
        }
    }

    private void upsert(HttpExchange ex, String pathId) throws IOException {
        JsonNode body;
        try {
            body = JSON.readTree(ex.getRequestBody().readAllBytes());
        } catch (JsonProcessingException e) {
            throw new IngestException("request body: expected a JSON object like {\"id\":\"front\",\"url\":\"rtsp://"
                    + "...\",\"fps\":5}, found malformed JSON (" + e.getOriginalMessage() + ")");
        }
        if (body == null || !body.isObject()) {
            throw new IngestException("request body: expected a JSON object, found "
                    + (body == null ? "nothing" : body.getNodeType().toString().toLowerCase()));
        }
        String id = pathId != null ? pathId : text(body, "id");
        if (pathId != null && body.has("id") && !pathId.equals(body.get("id").asText())) {
            throw new IngestException("camera id: expected '" + pathId + "' as in the path, found '"
                    + body.get("id").asText() + "' in the body");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        Map<String, String> names = Map.of("url", "url", "fps", "fps", "maxWidth", "max-width", "maxHeight",
                "max-height", "quality", "quality");
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (f.equals("id")) {
                continue;
            }
            if (!names.containsKey(f)) {
                throw new IngestException("field '" + f + "': expected one of id, " + String.join(", ", names.keySet()));
            }
            fields.put(names.get(f), body.get(f).asText());
        }
        CameraSpec spec;
        try {
            spec = specFactory.apply(id, fields);
        } catch (NumberFormatException e) {
            throw new IngestException("camera " + id + ": expected numbers for fps, maxWidth, maxHeight and quality,"
                    + " found " + e.getMessage());
        }
        boolean replaced = cameras.put(spec);
        send(ex, replaced ? 200 : 201, cameras.status(spec.id()).map(CameraStatus::toJson).orElseThrow());
    }

    private static String text(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || !n.isTextual()) {
            throw new IngestException("field '" + field + "': expected a string, found " + (n == null ? "none" : n));
        }
        return n.asText();
    }

    private boolean authorized(HttpExchange ex) {
        if (token == null) {
            return true;
        }
        String h = ex.getRequestHeaders().getFirst("Authorization");
        if (h == null || !h.startsWith("Bearer ")) {
            return false;
        }
        return MessageDigest.isEqual(token, h.substring(7).strip().getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, Object> error(String message) {
        return Map.of("error", UrlMasker.maskAll(message));
    }

    private static void send(HttpExchange ex, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
