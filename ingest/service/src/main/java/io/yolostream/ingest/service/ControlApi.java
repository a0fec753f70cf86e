package io.yolostream.ingest.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.yolostream.config.Echo;
import io.yolostream.http.Call;
import io.yolostream.http.Handler;
import io.yolostream.http.HttpApi;
import io.yolostream.http.HttpError;
import io.yolostream.ingest.IngestException;
import io.yolostream.ingest.source.CameraSpec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The ingest service's HTTP endpoints on the shared {@link HttpApi}: the camera control API ({@code GET/POST
 * /cameras}, {@code GET/PUT/DELETE /cameras/{id}}; the api-token when one is set, JSON writes only, same-origin
 * only), {@code /metrics} (Prometheus) and {@code /health}, both open. Every answer masks camera credentials.
 */
public final class ControlApi implements AutoCloseable {
    private static final String EXAMPLE = "a JSON object like {\"id\":\"front\",\"url\":\"rtsp://...\",\"fps\":5}";
    /** Body field → camera field of {@link IngestConfig#camera}; url and transport are strings, others numbers. */
    private static final Map<String, String> FIELDS = Map.of("url", "url", "fps", "fps", "maxWidth", "max-width",
            "maxHeight", "max-height", "quality", "quality", "transport", "transport");
    private static final List<String> TEXT_FIELDS = List.of("url", "transport");
    private static final List<String> INTEGER_FIELDS = List.of("maxWidth", "maxHeight", "quality");

    private final HttpApi http;
    private final CameraRegistry cameras;
    private final PrometheusMeterRegistry metrics;
    private final BiFunction<String, Map<String, String>, CameraSpec> specFactory;

    /**
     * @param token       bearer token for the camera routes; null or empty = open to local clients (loopback only)
     * @param specFactory builds a camera from an id and its fields, filling defaults (IngestConfig::camera)
     */
    public ControlApi(String host, int port, CameraRegistry cameras, PrometheusMeterRegistry metrics, String token,
                      BiFunction<String, Map<String, String>, CameraSpec> specFactory) {
        this.cameras = cameras;
        this.metrics = metrics;
        this.specFactory = specFactory;
        this.http = HttpApi.builder("ingest", IngestConfig.HTTP_HOST, host, port)
                .token(IngestConfig.API_TOKEN, token)
                .threads(8)
                .open("GET", "/health", this::health)
                .open("GET", "/metrics", this::metrics)
                .route("GET", "/cameras", c -> c.json(200, cameras.statuses().stream().map(CameraStatus::toJson)
                        .toList()))
                .route("POST", "/cameras", badInput(c -> upsert(c, null)))
                .route("GET", "/cameras/{id}", this::camera)
                .route("PUT", "/cameras/{id}", badInput(c -> upsert(c, c.param("id"))))
                .route("DELETE", "/cameras/{id}", this::delete)
                .start();
    }

    public int port() {
        return http.port();
    }

    private void health(Call c) throws IOException {
        List<CameraStatus> all = cameras.statuses();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "UP");
        body.put("cameras", all.size());
        body.put("connected", all.stream().filter(s -> s.source().connected()).count());
        c.json(200, body);
    }

    private void metrics(Call c) throws IOException {
        c.send(200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape().getBytes(StandardCharsets.UTF_8),
                Map.of());
    }

    private void camera(Call c) throws IOException {
        String id = c.param("id");
        c.json(200, cameras.status(id).orElseThrow(() -> noSuchCamera(id)).toJson());
    }

    private void delete(Call c) throws IOException {
        String id = c.param("id");
        if (!cameras.remove(id)) {
            throw noSuchCamera(id);
        }
        c.noContent();
    }

    private static HttpError noSuchCamera(String id) {
        return HttpError.notFound("camera '" + Echo.of(id) + "': no such camera");
    }

    /** The camera's own errors (a bad id, url, fps...) are the client's: 400. */
    private static Handler badInput(Handler h) {
        return c -> {
            try {
                h.handle(c);
            } catch (IngestException | IllegalArgumentException e) {
                throw HttpError.badRequest(e.getMessage());
            }
        };
    }

    private void upsert(Call c, String pathId) throws IOException {
        JsonNode body = c.jsonBody(EXAMPLE);
        if (!body.isObject()) {
            throw HttpError.badRequest("request body: expected " + EXAMPLE + ", found a JSON "
                    + body.getNodeType().toString().toLowerCase(java.util.Locale.ROOT));
        }
        String id = pathId != null ? pathId : text(body, "id");
        if (pathId != null && body.has("id") && !pathId.equals(text(body, "id"))) {
            throw HttpError.badRequest("camera id: expected '" + Echo.of(pathId) + "' as in the path, found '"
                    + Echo.of(body.get("id").asText()) + "' in the body");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (f.equals("id")) {
                continue;
            }
            if (!FIELDS.containsKey(f)) {
                throw HttpError.badRequest("field '" + Echo.of(f) + "': expected one of id, "
                        + String.join(", ", List.of("url", "fps", "maxWidth", "maxHeight", "quality", "transport")));
            }
            fields.put(FIELDS.get(f), TEXT_FIELDS.contains(f) ? text(body, f) : number(body, f));
        }
        CameraSpec spec;
        try {
            spec = specFactory.apply(id, fields);
        } catch (NumberFormatException e) {
            throw HttpError.badRequest("camera " + Echo.of(id) + ": expected numbers for fps, maxWidth, maxHeight and "
                    + "quality, found " + Echo.of(e.getMessage()));
        }
        boolean replaced = cameras.put(spec);
        c.json(replaced ? 200 : 201, cameras.status(spec.id()).map(CameraStatus::toJson).orElseThrow());
    }

    private static String text(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || !n.isTextual()) {
            throw HttpError.badRequest("field '" + field + "': expected a string, found " + shown(n));
        }
        return n.asText();
    }

    private static String number(JsonNode body, String field) {
        JsonNode n = body.get(field);
        boolean integer = INTEGER_FIELDS.contains(field);
        if (!n.isNumber() || integer && !(n.isIntegralNumber() && n.canConvertToInt())) {
            throw HttpError.badRequest("field '" + field + "': expected " + (integer ? "an integer" : "a number")
                    + ", found " + shown(n));
        }
        return integer ? Integer.toString(n.intValue()) : n.asText();
    }

    /** A JSON value as found, shortened: {@code 123}, {@code "5"}, {@code none}. */
    private static String shown(JsonNode n) {
        return n == null ? "none" : Echo.of(n.toString());
    }

    @Override
    public void close() {
        http.close();
    }
}
