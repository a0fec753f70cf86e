package io.yolostream.detector.service;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.yolostream.http.Call;
import io.yolostream.http.HttpApi;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code /metrics} (Prometheus text) and {@code /health} (JSON; 503 once the consumer loop has stopped), on the
 * shared {@link HttpApi}: both open (nothing here changes anything), exact routes, loopback Host names only while
 * listening on loopback.
 */
final class DetectHttp implements AutoCloseable {
    private final HttpApi http;
    private final PrometheusMeterRegistry metrics;
    private final Supplier<Map<String, Object>> health;

    /** @param health the body of /health; a "status" other than "UP" answers 503 */
    DetectHttp(String host, int port, PrometheusMeterRegistry metrics, Supplier<Map<String, Object>> health) {
        this.metrics = metrics;
        this.health = health;
        this.http = HttpApi.builder("detect", DetectConfig.HTTP_HOST, host, port)
                .threads(2)
                .open("GET", "/health", this::health)
                .open("GET", "/metrics", this::metrics)
                .start();
    }

    int port() {
        return http.port();
    }

    private void health(Call c) throws IOException {
        Map<String, Object> body = health.get();
        c.json("UP".equals(body.get("status")) ? 200 : 503, body);
    }

    private void metrics(Call c) throws IOException {
        c.send(200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape().getBytes(StandardCharsets.UTF_8),
                Map.of());
    }

    @Override
    public void close() {
        http.close();
    }
}
