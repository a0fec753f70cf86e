package io.yolostream.sinks.service;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.yolostream.config.Echo;
import io.yolostream.http.Call;
import io.yolostream.http.HttpApi;
import io.yolostream.http.HttpError;
import io.yolostream.sinks.config.SinksConfig;
import io.yolostream.sinks.counts.CountsQuery;
import io.yolostream.sinks.hierarchy.Subscription;
import io.yolostream.sinks.web.WebPages;
import io.yolostream.sinks.zones.http.ZonesApi;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The sinks' HTTP server (the shared {@link HttpApi}): {@code /counts} (interactive queries, JSON), {@code /metrics}
 * (Prometheus text), {@code /health} (JSON; 503 unless the Streams app is running or rebalancing) and the live
 * view's routes ({@link WebPages}) and, when tracking, the zones API ({@link ZonesApi}). The viewer token guards
 * everything but /metrics, /health and the static files; browsers log in with a {@code ?token=} link or the login
 * form.
 */
final class SinksHttp implements AutoCloseable {
    /** Threads beyond the streams' own, so that a full house of streams leaves the pages and queries answering. */
    private static final int SPARE_THREADS = 8;

    private final HttpApi http;
    private final PrometheusMeterRegistry metrics;
    private final Supplier<Map<String, Object>> health;
    private volatile CountsQuery counts;

    SinksHttp(SinksConfig config, PrometheusMeterRegistry metrics, Supplier<Map<String, Object>> health,
              WebPages web, ZonesApi zones) {
        this.metrics = metrics;
        this.health = health;
        HttpApi.Builder b = HttpApi.builder("sinks", SinksConfig.HTTP_HOST, config.get(SinksConfig.HTTP_HOST),
                        config.get(SinksConfig.HTTP_PORT))
                .token(SinksConfig.VIEWER_TOKEN, config.get(SinksConfig.VIEWER_TOKEN))
                .browserLogin()
                .threads(config.get(SinksConfig.LIVE_MAX_VIEWERS) + SPARE_THREADS)
                .open("GET", "/health", this::health)
                .open("GET", "/metrics", this::metrics)
                .route("GET", "/counts", this::counts);
        web.register(b);
        if (zones != null) {
            zones.register(b);
        }
        http = b.start();
    }

    /** The queries start once the Streams app exists (it needs this server's port first). */
    void counts(CountsQuery query) {
        this.counts = query;
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

    private void counts(Call c) throws IOException {
        Map<String, String> q = c.query();
        CountsQuery cq = counts;
        if (cq == null) {
            throw new HttpError(503, "counts: the Streams app is not started yet");
        }
        String camera = q.get("camera");
        List<Subscription> nodes = cq.nodes(q.get("node"));
        // no subscriptions: the per-node counts are empty, the zones' counts (of every track) still answer
        if (nodes.isEmpty() && q.get("node") != null) {
            throw HttpError.notFound("node: expected one of the subscribed nodes " + cq.nodes(null).stream()
                    .map(Subscription::name).toList() + ", found '" + Echo.of(q.get("node")) + "'");
        }
        try {
            if (camera != null) {
                Optional<HostInfo> owner = cq.ownerOf(camera);
                if (owner.isPresent()) {
                    // another instance holds this camera's partition: send the client there
                    c.redirect(307, "http://" + owner.get().host() + ":" + owner.get().port() + c.rawTarget(),
                            Map.of());
                    return;
                }
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("cameras", cq.current(camera, nodes));
            c.json(200, body);
        } catch (InvalidStateStoreException e) {
            throw new HttpError(503, "counts store not queryable now (starting or rebalancing): " + e.getMessage());
        }
    }

    @Override
    public void close() {
        http.close();
    }
}
