package io.yolostream.sinks.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.yolostream.sinks.annotate.AnnotateSelection;
import io.yolostream.sinks.counts.CountsQuery;
import io.yolostream.sinks.health.HealthQuery;
import org.apache.kafka.streams.errors.InvalidStateStoreException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Semaphore;

/**
 * The live view on the sinks' HTTP server: {@code /} (cameras with status), {@code /cameras/{id}} (the annotated
 * stream with track ids, trails, zones and lines, recent detections with their hierarchy, recent track events, counts
 * per node and unique tracks per zone and line), their JSON ({@code /api/cameras},
 * {@code /api/cameras/{id}}), the stream ({@code /cameras/{id}/stream.mjpeg}, multipart/x-mixed-replace) and the
 * latest frame ({@code /cameras/{id}/frame.jpg}). Pages are static HTML/JS from resources; camera ids only ever
 * reach them as JSON and text nodes. Looking at a camera (its page polling, its stream open) keeps it watched, so
 * the annotator draws it.
 */
public final class WebPages implements AutoCloseable {
    /** Streams open at once at most; more get 503 (each holds a thread of the server). */
    static final int MAX_STREAMS = 32;
    private static final String BOUNDARY = "yolostreamframe";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RESOURCES = "/io/yolostream/sinks/web/";

    private final LiveView live;
    private final AnnotateSelection selection;
    private final Semaphore streams = new Semaphore(MAX_STREAMS);
    private volatile CountsQuery counts;
    private volatile HealthQuery health;
    private volatile boolean closed;

    public WebPages(LiveView live, AnnotateSelection selection) {
        this.live = live;
        this.selection = selection;
    }

    /** The queries answer once the Streams app exists. */
    public void queries(CountsQuery counts, HealthQuery health) {
        this.counts = counts;
        this.health = health;
    }

    public void register(HttpServer server) {
        server.createContext("/", this::route);
    }

    private void route(HttpExchange ex) throws IOException {
        try (ex) {
            if (!"GET".equals(ex.getRequestMethod())) {
                error(ex, 405, "method " + ex.getRequestMethod() + ": expected GET");
                return;
            }
            List<String> seg = segments(ex.getRequestURI().getRawPath());
            if (seg.isEmpty()) {
                resource(ex, "index.html", "text/html; charset=utf-8");
            } else if (seg.size() == 2 && seg.get(0).equals("static")
                    && Set.of("app.js", "app.css").contains(seg.get(1))) {
                resource(ex, seg.get(1), seg.get(1).endsWith(".js") ? "text/javascript; charset=utf-8"
                        : "text/css; charset=utf-8");
            } else if (seg.size() == 2 && seg.get(0).equals("cameras")) {
                resource(ex, "camera.html", "text/html; charset=utf-8");
            } else if (seg.size() == 3 && seg.get(0).equals("cameras") && seg.get(2).equals("stream.mjpeg")) {
                if (known(ex, seg.get(1))) {
                    stream(ex, seg.get(1));
                }
            } else if (seg.size() == 3 && seg.get(0).equals("cameras") && seg.get(2).equals("frame.jpg")) {
                if (known(ex, seg.get(1))) {
                    frame(ex, seg.get(1));
                }
            } else if (seg.size() == 2 && seg.get(0).equals("api") && seg.get(1).equals("cameras")) {
                json(ex, 200, Map.of("cameras", cameras()));
            } else if (seg.size() == 3 && seg.get(0).equals("api") && seg.get(1).equals("cameras")) {
                if (known(ex, seg.get(2))) {
                    json(ex, 200, camera(seg.get(2)));
                }
            } else {
                error(ex, 404, "path " + ex.getRequestURI().getRawPath() + ": expected /, /cameras/ID, "
                        + "/cameras/ID/stream.mjpeg, /cameras/ID/frame.jpg, /api/cameras[/ID], /counts, /metrics or "
                        + "/health");
            }
        }
    }

    /**
     * Only cameras this process has seen a record of are watched or streamed (a made-up id would otherwise hold
     * memory); the others get 404, which the page shows until the camera's first record arrives.
     */
    private boolean known(HttpExchange ex, String camera) throws IOException {
        if (live.knows(camera)) {
            return true;
        }
        error(ex, 404, "camera '" + camera + "': expected a camera with detection records in this sinks instance, "
                + "found none (yet); known: " + live.cameras());
        return false;
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

    private List<Map<String, Object>> cameras() {
        Map<String, Map<String, Object>> windows = healthWindows();
        Set<String> ids = new TreeSet<>(live.cameras());
        ids.addAll(windows.keySet());
        List<Map<String, Object>> out = new ArrayList<>();
        for (String id : ids) {
            out.add(summary(id, windows.get(id)));
        }
        return out;
    }

    /** What the camera list and the camera page both show of a camera. */
    private Map<String, Object> summary(String id, Map<String, Object> window) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("id", id);
        c.put("annotated", selection.annotates(id));
        c.put("window", window);
        c.putAll(live.summary(id));
        c.put("zones", zoneCounts(id));
        return c;
    }

    /** The camera's unique tracks per zone and line in the current window (empty before the first, or not ready). */
    private List<Map<String, Object>> zoneCounts(String camera) {
        CountsQuery q = counts;
        if (q == null) {
            return List.of();
        }
        try {
            return q.zones(camera, q.nodes(null));
        } catch (InvalidStateStoreException | IllegalArgumentException e) {
            return List.of();
        }
    }

    private Map<String, Object> camera(String id) {
        live.watchers().watch(id);
        Map<String, Object> c = summary(id, healthWindows().get(id));
        LiveView.Latest latest = live.latest(id);
        c.put("frameSequence", latest == null ? null : latest.sequence());
        c.put("frameCaptureTime", latest == null ? null : latest.captureTime());
        c.put("recent", live.recent(id));
        c.put("events", live.events(id));
        c.put("counts", counts(id));
        return c;
    }

    private Map<String, Map<String, Object>> healthWindows() {
        HealthQuery h = health;
        if (h == null) {
            return Map.of();
        }
        try {
            return new LinkedHashMap<>(h.current());
        } catch (InvalidStateStoreException e) {
            return Map.of(); // starting or rebalancing: the list still shows what the live view knows
        }
    }

    /** The camera's current counts window ({@code null} before its first, or while the store is not queryable). */
    private Object counts(String camera) {
        CountsQuery q = counts;
        if (q == null) {
            return null;
        }
        try {
            List<Map<String, Object>> cur = q.current(camera, q.nodes(null));
            return cur.isEmpty() ? null : cur.get(0);
        } catch (InvalidStateStoreException e) {
            return null;
        }
    }

    private void frame(HttpExchange ex, String camera) throws IOException {
        live.watchers().watch(camera);
        LiveView.Latest l = live.latest(camera);
        if (l == null) {
            error(ex, 404, "camera '" + camera + "': no annotated frame yet (annotation starts when it is watched)");
            return;
        }
        ex.getResponseHeaders().set("Content-Type", "image/jpeg");
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.sendResponseHeaders(200, l.jpeg().length);
        ex.getResponseBody().write(l.jpeg());
    }

    private void stream(HttpExchange ex, String camera) throws IOException {
        if (!streams.tryAcquire()) {
            error(ex, 503, "live view: expected at most " + MAX_STREAMS + " open streams, found all in use");
            return;
        }
        live.viewerOpened();
        try {
            ex.getResponseHeaders().set("Content-Type", "multipart/x-mixed-replace; boundary=" + BOUNDARY);
            ex.getResponseHeaders().set("Cache-Control", "no-store");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            long version = 0;
            while (!closed) {
                live.watchers().watch(camera);
                LiveView.Latest l = live.awaitNewer(camera, version, 1000);
                if (l == null || l.version() <= version) {
                    continue;
                }
                version = l.version();
                out.write(("--" + BOUNDARY + "\r\nContent-Type: image/jpeg\r\nContent-Length: " + l.jpeg().length
                        + "\r\nX-Sequence: " + l.sequence() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(l.jpeg());
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        } catch (IOException e) {
            // the browser went away
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            live.viewerClosed();
            streams.release();
        }
    }

    private static void resource(HttpExchange ex, String name, String type) throws IOException {
        byte[] body;
        try (InputStream in = WebPages.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IOException("resource " + RESOURCES + name + " missing from the sinks jar");
            }
            body = in.readAllBytes();
        }
        ex.getResponseHeaders().set("Content-Type", type);
        // the pages load nothing from elsewhere and run no inline script
        ex.getResponseHeaders().set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:");
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        ex.sendResponseHeaders(200, body.length);
        ex.getResponseBody().write(body);
    }

    private static void json(HttpExchange ex, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    private static void error(HttpExchange ex, int status, String message) throws IOException {
        json(ex, status, Map.of("error", message));
    }

    @Override
    public void close() {
        closed = true;
    }
}
