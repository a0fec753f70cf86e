package io.yolostream.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Exact routes: a pattern such as {@code /cameras/{id}/frame.jpg} matches a path with the same number of segments,
 * each literal equal (still encoded: {@code /camerasX} or {@code /cameras/} match nothing) and each {@code {name}}
 * one non-empty segment, percent-decoded strictly. A path no route matches is a 404; a path some route matches with
 * another method is a 405 with {@code Allow}.
 */
final class Routes {
    record Route(String method, String pattern, List<String> segments, Access access, Handler handler) {
    }

    /** What a request matched. */
    record Match(Route route, Map<String, String> params) {
    }

    private final List<Route> routes = new ArrayList<>();

    void add(String method, String pattern, Access access, Handler handler) {
        if (!method.matches("[A-Z]+")) {
            throw new IllegalArgumentException("route " + pattern + ": method expected in upper case, found " + method);
        }
        List<String> segments = split(pattern);
        if (segments == null) {
            throw new IllegalArgumentException("route pattern expected to start with /, found " + pattern);
        }
        for (Route r : routes) {
            if (r.method.equals(method) && r.segments.equals(segments)) {
                throw new IllegalArgumentException("route declared twice: " + method + " " + pattern);
            }
        }
        routes.add(new Route(method, pattern, segments, access, handler));
    }

    /** The route and its decoded parameters; throws the 404 or 405 (or a 400 for a badly encoded parameter). */
    Match match(String method, String rawPath) {
        List<String> segments = split(rawPath);
        TreeSet<String> allowed = new TreeSet<>();
        Route found = null;
        for (Route r : routes) {
            if (segments != null && matches(r.segments, segments)) {
                allowed.add(r.method);
                if (r.method.equals(method)) {
                    found = r;
                }
            }
        }
        if (allowed.isEmpty()) {
            throw HttpError.notFound("path '" + io.yolostream.config.Echo.of(rawPath) + "': expected one of "
                    + String.join(", ", patterns()));
        }
        if (found == null) {
            throw new HttpError(405, "method " + method + " on " + io.yolostream.config.Echo.of(rawPath) + ": expected "
                    + String.join(" or ", allowed), Map.of("Allow", String.join(", ", allowed)));
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < segments.size(); i++) {
            String p = found.segments.get(i);
            if (isParam(p)) {
                params.put(p.substring(1, p.length() - 1), Percent.segment(segments.get(i)));
            }
        }
        return new Match(found, params);
    }

    List<String> patterns() {
        return routes.stream().map(Route::pattern).distinct().toList();
    }

    List<String> openPatterns() {
        return routes.stream().filter(r -> r.access == Access.OPEN).map(Route::pattern).distinct().toList();
    }

    boolean anyProtected() {
        return routes.stream().anyMatch(r -> r.access != Access.OPEN);
    }

    private static boolean matches(List<String> pattern, List<String> path) {
        if (pattern.size() != path.size()) {
            return false;
        }
        for (int i = 0; i < pattern.size(); i++) {
            String p = pattern.get(i);
            String s = path.get(i);
            if (isParam(p) ? s.isEmpty() : !p.equals(s)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isParam(String segment) {
        return segment.length() > 2 && segment.startsWith("{") && segment.endsWith("}");
    }

    /** "/" is no segment; "/a/b" is [a, b]; "/a/" is [a, ""] (which matches no route). */
    private static List<String> split(String rawPath) {
        if (!rawPath.startsWith("/")) {
            return null;
        }
        if (rawPath.equals("/")) {
            return List.of();
        }
        return List.of(rawPath.substring(1).split("/", -1));
    }
}
