package io.yolostream.sinks.zones.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.yolostream.config.Echo;
import io.yolostream.http.Call;
import io.yolostream.http.HttpApi;
import io.yolostream.http.HttpError;
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
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The zones API, routes on the sinks' {@link HttpApi}:
 * <ul>
 * <li>{@code GET /api/zones} — every camera's zones and lines;</li>
 * <li>{@code GET /api/zones/{camera}} — one camera's;</li>
 * <li>{@code PUT /api/zones/{camera}/{id}} — create or replace one (JSON body, see {@link ZoneJson});</li>
 * <li>{@code DELETE /api/zones/{camera}/{id}} — delete one.</li>
 * </ul>
 * Every route needs the sinks' token as the live view's API does (bearer, or the browser's login cookie); the HTTP
 * layer refuses a write from another origin and a PUT whose body is not JSON. Writes go to the compacted zones topic
 * (every sinks instance reads it whole); reads come from this instance's copy of the topic, which follows a write
 * within moments.
 */
public final class ZonesApi {
    private static final Logger LOG = LoggerFactory.getLogger(ZonesApi.class);
    private static final String EXAMPLE = "a JSON object like {\"kind\":\"line\",\"points\":[[0,300],[640,300]]}";

    private final ZoneWriter writer;
    private final Supplier<ReadOnlyKeyValueStore<String, byte[]>> store;

    /** @param store the global zones store (asked per request: it is not there while the Streams app starts) */
    public ZonesApi(ZoneWriter writer, Supplier<ReadOnlyKeyValueStore<String, byte[]>> store) {
        this.writer = writer;
        this.store = store;
    }

    /** Adds the routes (all need the token). */
    public void register(HttpApi.Builder http) {
        http.route("GET", "/api/zones", c -> read(c, null))
                .route("GET", "/api/zones/{camera}", c -> read(c, c.param("camera")))
                .route("PUT", "/api/zones/{camera}/{id}", this::put)
                .route("DELETE", "/api/zones/{camera}/{id}", this::delete);
    }

    private void read(Call c, String camera) throws IOException {
        List<ZoneSpec> zones = guarded(() -> camera == null ? ZoneStore.all(store.get())
                : ZoneStore.of(store.get(), camera));
        c.json(200, Map.of("zones", zones.stream().map(ZoneJson::toMap).toList()));
    }

    private void put(Call c) throws IOException {
        String camera = c.param("camera");
        String id = c.param("id");
        JsonNode body = c.jsonBody(EXAMPLE);
        ZoneSpec z = guarded(() -> ZoneJson.parse(body, camera, id, "zone " + Echo.of(camera) + "/" + Echo.of(id)));
        boolean existed = guarded(() -> exists(z.camera(), z.id()));
        guarded(() -> {
            writer.put(z, "api");
            return null;
        });
        c.json(existed ? 200 : 201, ZoneJson.toMap(z));
    }

    private void delete(Call c) throws IOException {
        String camera = c.param("camera");
        String id = c.param("id");
        if (!guarded(() -> exists(camera, id))) {
            throw HttpError.notFound("zone " + Echo.of(camera) + "/" + Echo.of(id) + ": expected an existing zone, "
                    + "found none");
        }
        guarded(() -> {
            writer.delete(camera, id);
            return null;
        });
        c.noContent();
    }

    private boolean exists(String camera, String id) {
        return ZoneStore.of(store.get(), camera).stream().anyMatch(z -> z.id().equals(id));
    }

    private interface Action<T> {
        T run();
    }

    /** The zone errors as HTTP answers: bad input 400, a store or topic not ready 503. */
    private static <T> T guarded(Action<T> a) {
        try {
            return a.run();
        } catch (ZoneException e) {
            throw HttpError.badRequest(e.getMessage());
        } catch (InvalidStateStoreException e) {
            throw new HttpError(503, "zones: this instance's copy of the zones topic is not ready (starting or "
                    + "rebalancing): " + e.getMessage());
        } catch (SinksException e) {
            LOG.warn("zones API: {}", e.getMessage());
            throw new HttpError(503, e.getMessage());
        }
    }
}
