package io.yolostream.sinks.web;

import io.yolostream.config.Echo;
import io.yolostream.http.Call;
import io.yolostream.http.HttpApi;
import io.yolostream.http.HttpError;
import io.yolostream.sinks.annotate.AnnotateSelection;
import io.yolostream.sinks.counts.CountsQuery;
import io.yolostream.sinks.health.HealthQuery;
import org.apache.kafka.streams.errors.InvalidStateStoreException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * The live view on the sinks' HTTP server: {@code /} (cameras with status), {@code /cameras/{id}} (the annotated
 * stream with track ids, trails, zones and lines, recent detections with their hierarchy, recent track events, counts
 * per node and unique tracks per zone and line), their JSON ({@code /api/cameras},
 * {@code /api/cameras/{id}}), the stream ({@code /cameras/{id}/stream.mjpeg}, multipart/x-mixed-replace) and the
 * latest frame ({@code /cameras/{id}/frame.jpg}). Pages are static HTML/JS from resources; camera ids only ever
 * reach them as JSON and text nodes. Looking at a camera (its page polling, its stream open) keeps it watched, so
 * the annotator draws it. Everything but the static files needs the viewer token (when the server has one); the
 * pages answer a browser without it with the login form.
 * <p>
 * Streams are bounded: at most live-max-viewers in all and live-max-viewers-per-camera of one camera (503 beyond),
 * and a client that leaves is noticed within about a second (its closed connection, or a failed write: the latest
 * frame is sent again every {@link #HEARTBEAT_NANOS} while the camera has nothing new), which frees its thread.
 */
public final class WebPages implements AutoCloseable {
    /** With no new frame, the latest one is sent again this often (keeps proxies and the client's view alive). */
    static final long HEARTBEAT_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final String BOUNDARY = "yolostreamframe";
    private static final String RESOURCES = "/io/yolostream/sinks/web/";
    private static final String HTML = "text/html; charset=utf-8";

    private final LiveView live;
    private final AnnotateSelection selection;
    private final ViewerSlots slots;
    private volatile CountsQuery counts;
    private volatile HealthQuery health;
    private volatile boolean closed;

    /**
     * @param maxViewers          streams open at once at most (live-max-viewers)
     * @param maxViewersPerCamera streams of one camera open at once at most (live-max-viewers-per-camera)
     */
    public WebPages(LiveView live, AnnotateSelection selection, int maxViewers, int maxViewersPerCamera) {
        this.live = live;
        this.selection = selection;
        this.slots = new ViewerSlots(maxViewers, maxViewersPerCamera);
    }

    /** The queries answer once the Streams app exists. */
    public void queries(CountsQuery counts, HealthQuery health) {
        this.counts = counts;
        this.health = health;
    }

    /** The live view's routes. */
    public void register(HttpApi.Builder http) {
        http.page("GET", "/", c -> resource(c, "index.html", HTML))
                .open("GET", "/static/app.js", c -> resource(c, "app.js", "text/javascript; charset=utf-8"))
                .open("GET", "/static/app.css", c -> resource(c, "app.css", "text/css; charset=utf-8"))
                .page("GET", "/cameras/{id}", c -> resource(c, "camera.html", HTML))
                .route("GET", "/cameras/{id}/stream.mjpeg", c -> stream(c, known(c.param("id"))))
                .route("GET", "/cameras/{id}/frame.jpg", c -> frame(c, known(c.param("id"))))
                .route("GET", "/api/cameras", c -> c.json(200, Map.of("cameras", cameras())))
                .route("GET", "/api/cameras/{id}", c -> c.json(200, camera(known(c.param("id")))));
    }

    /**
     * Only cameras this process has seen a record of are watched or streamed (a made-up id would otherwise hold
     * memory); the others get 404, which the page shows until the camera's first record arrives.
     */
    private String known(String camera) {
        if (live.knows(camera)) {
            return camera;
        }
        throw HttpError.notFound("camera '" + Echo.of(camera) + "': expected a camera with detection records in "
                + "this sinks instance, found none (yet); known: " + Echo.of(String.valueOf(live.cameras()), 200));
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

    private void frame(Call c, String camera) throws IOException {
        live.watchers().watch(camera);
        LiveView.Latest l = live.latest(camera);
        if (l == null) {
            throw HttpError.notFound("camera '" + Echo.of(camera) + "': no annotated frame yet (annotation starts when "
                    + "it is watched)");
        }
        c.send(200, "image/jpeg", l.jpeg(), Map.of());
    }

    private void stream(Call c, String camera) throws IOException {
        String refused = slots.take(camera);
        if (refused != null) {
            throw new HttpError(503, refused, Map.of("Retry-After", "5"));
        }
        live.viewerOpened();
        try {
            OutputStream out = c.stream("multipart/x-mixed-replace; boundary=" + BOUNDARY, Map.of());
            long version = 0;
            long lastWrite = System.nanoTime();
            while (!closed) {
                live.watchers().watch(camera);
                LiveView.Latest l = live.awaitNewer(camera, version, 500);
                long now = System.nanoTime();
                if (l != null && (l.version() > version || now - lastWrite >= HEARTBEAT_NANOS)) {
                    // a new frame, or the latest again: a write to a client that left fails
                    version = l.version();
                    out.write(("--" + BOUNDARY + "\r\nContent-Type: image/jpeg\r\nContent-Length: " + l.jpeg().length
                            + "\r\nX-Sequence: " + l.sequence() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(l.jpeg());
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    lastWrite = now;
                } else if (c.clientGone()) {
                    return; // nothing to write yet, and the client has closed its connection
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            live.viewerClosed();
            slots.release(camera);
        }
    }

    private static void resource(Call c, String name, String type) throws IOException {
        byte[] body;
        try (InputStream in = WebPages.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + RESOURCES + name + " missing from the sinks jar");
            }
            body = in.readAllBytes();
        }
        // the pages load nothing from elsewhere, run no inline script and are framed by no other site
        c.send(200, type, body, Map.of("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; "
                + "frame-ancestors 'none'"));
    }

    @Override
    public void close() {
        closed = true;
    }
}
