package io.yolostream.http;

import java.util.Map;

/**
 * A request that gets an error answer: thrown by the layer's checks and by handlers, answered as JSON
 * {@code {"error": message}} with this status (and headers such as {@code Allow} or {@code WWW-Authenticate}).
 * The message says what was expected and what was found; user input in it goes through
 * {@link io.yolostream.config.Echo}.
 */
public final class HttpError extends RuntimeException {
    private final int status;
    private final Map<String, String> headers;

    public HttpError(int status, String message) {
        this(status, message, Map.of());
    }

    public HttpError(int status, String message, Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.headers = Map.copyOf(headers);
    }

    public static HttpError badRequest(String message) {
        return new HttpError(400, message);
    }

    public static HttpError notFound(String message) {
        return new HttpError(404, message);
    }

    public int status() {
        return status;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
