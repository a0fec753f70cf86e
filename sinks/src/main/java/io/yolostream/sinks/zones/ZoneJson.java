package io.yolostream.sinks.zones;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.yolostream.sinks.avro.ZoneCoordinates;
import io.yolostream.sinks.avro.ZoneKind;
import io.yolostream.sinks.common.Durations;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Zones as JSON, the one format of the HTTP API and of the {@code zones} file:
 * <pre>{"camera": "gate", "id": "entry", "kind": "line", "points": [[0.1, 0.6], [0.9, 0.6]],
 *  "coordinates": "normalized", "name": "Gate line", "dwellLimit": "5m"}</pre>
 * {@code kind} zone|line, {@code coordinates} pixel (default) or normalized, {@code dwellLimit} a duration
 * ({@code 90s}, {@code 5m}) or milliseconds, zones only; {@code camera} and {@code id} may come from the URL instead.
 */
public final class ZoneJson {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> FIELDS = Set.of("camera", "id", "kind", "points", "coordinates", "name",
            "dwellLimit");

    private ZoneJson() {
    }

    /**
     * Parses one zone; the URL's camera and id (null when not in the URL) must agree with the body's.
     *
     * @throws ZoneException saying what was expected and found
     */
    public static ZoneSpec parse(JsonNode n, String camera, String id, String source) {
        if (n == null || !n.isObject()) {
            throw new ZoneException(source + ": expected a JSON object like {\"kind\":\"line\",\"points\":[[0,300],"
                    + "[640,300]]}, found " + (n == null ? "nothing" : n.getNodeType().toString()
                    .toLowerCase(Locale.ROOT)));
        }
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                throw new ZoneException(source + ": field '" + f + "': expected one of " + FIELDS.stream().sorted()
                        .toList());
            }
        }
        String cam = agree(n, "camera", camera, source);
        String zid = agree(n, "id", id, source);
        ZoneKind kind = switch (text(n, "kind", source).toLowerCase(Locale.ROOT)) {
            case "zone", "polygon" -> ZoneKind.ZONE;
            case "line" -> ZoneKind.LINE;
            default -> throw new ZoneException(source + ": kind: expected zone or line, found '" + n.get("kind")
                    .asText() + "'");
        };
        ZoneCoordinates coords = ZoneCoordinates.PIXEL;
        if (n.hasNonNull("coordinates")) {
            coords = switch (text(n, "coordinates", source).toLowerCase(Locale.ROOT)) {
                case "pixel", "pixels" -> ZoneCoordinates.PIXEL;
                case "normalized", "normalised" -> ZoneCoordinates.NORMALIZED;
                default -> throw new ZoneException(source + ": coordinates: expected pixel or normalized, found '"
                        + n.get("coordinates").asText() + "'");
            };
        }
        JsonNode pts = n.get("points");
        if (pts == null || !pts.isArray()) {
            throw new ZoneException(source + ": points: expected an array of [x, y] pairs, found "
                    + (pts == null ? "none" : pts.toString()));
        }
        List<Point> points = new ArrayList<>();
        for (JsonNode p : pts) {
            if (!p.isArray() || p.size() != 2 || !p.get(0).isNumber() || !p.get(1).isNumber()) {
                throw new ZoneException(source + ": points: expected [x, y] pairs of numbers, found " + p);
            }
            points.add(new Point(p.get(0).asDouble(), p.get(1).asDouble()));
        }
        Long dwell = null;
        JsonNode d = n.get("dwellLimit");
        if (d != null && !d.isNull()) {
            Duration parsed = d.isIntegralNumber() ? Duration.ofMillis(d.asLong()) : Durations.parse(d.asText());
            if (parsed == null) {
                throw new ZoneException(source + ": dwellLimit: expected a duration like 90s or 5m, found "
                        + d);
            }
            dwell = parsed.toMillis();
        }
        String name = n.hasNonNull("name") ? n.get("name").asText() : null;
        ZoneSpec z = new ZoneSpec(cam, zid, kind, name, coords, points, dwell);
        List<String> problems = z.problems();
        if (!problems.isEmpty()) {
            throw new ZoneException(source + ": " + String.join("; ", problems));
        }
        return z;
    }

    /** Parses bytes (a request body). */
    public static ZoneSpec parse(byte[] body, String camera, String id, String source) {
        return parse(read(body, source), camera, id, source);
    }

    /** A JSON array of zones, each with its camera and id (the {@code zones} file). */
    public static List<ZoneSpec> parseList(byte[] json, String source) {
        JsonNode n = read(json, source);
        if (n == null || !n.isArray()) {
            throw new ZoneException(source + ": expected a JSON array of zones [{\"camera\":...,\"id\":...,"
                    + "\"kind\":...,\"points\":...}], found " + (n == null ? "nothing" : n.getNodeType().toString()
                    .toLowerCase(Locale.ROOT)));
        }
        List<ZoneSpec> out = new ArrayList<>();
        java.util.Set<String> keys = new java.util.HashSet<>();
        int i = 0;
        for (JsonNode z : n) {
            ZoneSpec spec = parse(z, null, null, source + "[" + i++ + "]");
            if (!keys.add(spec.key())) {
                throw new ZoneException(source + ": expected one zone per camera and id, found " + spec.key()
                        + " twice");
            }
            out.add(spec);
        }
        return out;
    }

    private static JsonNode read(byte[] json, String source) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new ZoneException(source + ": expected JSON, found malformed JSON (" + e.getOriginalMessage()
                    + ")");
        } catch (java.io.IOException e) {
            throw new ZoneException(source + ": cannot read it: " + e.getMessage());
        }
    }

    private static String agree(JsonNode n, String field, String fromUrl, String source) {
        String inBody = n.hasNonNull(field) ? n.get(field).asText() : null;
        if (fromUrl != null && inBody != null && !fromUrl.equals(inBody)) {
            throw new ZoneException(source + ": " + field + ": expected '" + fromUrl + "' as in the path, found '"
                    + inBody + "' in the body");
        }
        String v = fromUrl != null ? fromUrl : inBody;
        if (v == null) {
            throw new ZoneException(source + ": expected a field '" + field + "', found none");
        }
        return v;
    }

    private static String text(JsonNode n, String field, String source) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw new ZoneException(source + ": " + field + ": expected a string, found " + (v == null ? "none" : v));
        }
        return v.asText();
    }

    /** The zone as the API shows it. */
    public static Map<String, Object> toMap(ZoneSpec z) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("camera", z.camera());
        m.put("id", z.id());
        m.put("kind", z.kind().name().toLowerCase(Locale.ROOT));
        if (z.name() != null) {
            m.put("name", z.name());
        }
        m.put("coordinates", z.coordinates().name().toLowerCase(Locale.ROOT));
        m.put("points", z.points().stream().map(p -> List.of(p.x(), p.y())).toList());
        if (z.dwellLimitMs() != null) {
            m.put("dwellLimit", z.dwellLimitMs());
        }
        return m;
    }
}
