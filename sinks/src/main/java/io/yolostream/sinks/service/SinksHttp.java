package io.yolostream.sinks.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.yolostream.sinks.counts.CountsQuery;
import io.yolostream.sinks.hierarchy.Subscription;
import io.yolostream.sinks.web.WebPages;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * {@code /counts} (interactive queries, JSON), {@code /metrics} (Prometheus text), {@code /health} (JSON; 503
 * unless the Streams app is running or rebalancing) and the live view's pages ({@link WebPages}, everything else).
 */
final class SinksHttp implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor;
    private final PrometheusMeterRegistry metrics;
    private final Supplier<Map<String, Object>> health;
    private volatile CountsQuery counts;

    SinksHttp(String host, int port, PrometheusMeterRegistry metrics, Supplier<Map<String, Object>> health,
              WebPages web) {
        this.metrics = metrics;
        this.health = health;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 16);
        } catch (IOException e) {
            throw new UncheckedIOException("sinks HTTP on " + host + ":" + port + ": expected a free port, found: "
                    + e.getMessage(), e);
        }
        // cached: each open live-view stream holds a thread (WebPages bounds how many)
        executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "sinks-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/health", this::health);
        server.createContext("/metrics", this::metrics);
        server.createContext("/counts", this::counts);
        web.register(server);
        server.start();
    }

    /** Another handler under {@code path} (its own routes below it). */
    void register(String path, HttpHandler handler) {
        server.createContext(path, handler);
    }

    /** The queries start once the Streams app exists (it needs this server's port first). */
    void counts(CountsQuery query) {
        this.counts = query;
    }

    int port() {
        return server.getAddress().getPort();
    }

    private void health(HttpExchange ex) throws IOException {
        Map<String, Object> body = health.get();
        send(ex, "UP".equals(body.get("status")) ? 200 : 503, JSON.writeValueAsBytes(body));
    }

    private void metrics(HttpExchange ex) throws IOException {
        byte[] body = metrics.scrape().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        ex.sendResponseHeaders(200, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    private void counts(HttpExchange ex) throws IOException {
        Map<String, String> q = query(ex.getRequestURI().getRawQuery());
        CountsQuery cq = counts;
        if (cq == null) {
            error(ex, 503, "counts: the Streams app is not started yet");
            return;
        }
        String camera = q.get("camera");
        List<Subscription> nodes = cq.nodes(q.get("node"));
        // no subscriptions: the per-node counts are empty, the zones' counts (of every track) still answer
        if (nodes.isEmpty() && q.get("node") != null) {
            error(ex, 404, "node: expected one of the subscribed nodes "
                    + cq.nodes(null).stream().map(Subscription::name).toList() + ", found '" + q.get("node") + "'");
            return;
        }
        try {
            if (camera != null) {
                Optional<HostInfo> owner = cq.ownerOf(camera);
                if (owner.isPresent()) {
                    // another instance holds this camera's partition: send the client there
                    ex.getResponseHeaders().set("Location", "http://" + owner.get().host() + ":" + owner.get().port()
                            + ex.getRequestURI());
                    send(ex, 307, new byte[0]);
                    return;
                }
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("cameras", cq.current(camera, nodes));
            send(ex, 200, JSON.writeValueAsBytes(body));
        } catch (InvalidStateStoreException e) {
            error(ex, 503, "counts store not queryable now (starting or rebalancing): " + e.getMessage());
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null) {
            return out;
        }
        for (String part : raw.split("&")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                out.put(URLDecoder.decode(part.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static void error(HttpExchange ex, int status, String message) throws IOException {
        send(ex, status, JSON.writeValueAsBytes(Map.of("error", message)));
    }

    private static void send(HttpExchange ex, int status, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
