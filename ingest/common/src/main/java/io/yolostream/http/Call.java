package io.yolostream.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.yolostream.config.UrlMasker;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One request to a route and its answer. The request: method, path parameters (decoded), query (decoded strictly on
 * first use), headers, body (read on demand, at most the server's limit). The answer: one of {@link #json},
 * {@link #send}, {@link #error}, {@link #redirect} or {@link #stream}; every answer closes the connection after it
 * and carries {@code X-Content-Type-Options: nosniff}, {@code Referrer-Policy: no-referrer} and, unless the handler
 * says otherwise, {@code Cache-Control: no-store}.
 */
public final class Call {
    private static final Map<Integer, String> REASONS = Map.ofEntries(Map.entry(100, "Continue"), Map.entry(200, "OK"),
            Map.entry(201, "Created"), Map.entry(204, "No Content"), Map.entry(303, "See Other"),
            Map.entry(307, "Temporary Redirect"), Map.entry(400, "Bad Request"), Map.entry(401, "Unauthorized"),
            Map.entry(403, "Forbidden"), Map.entry(404, "Not Found"), Map.entry(405, "Method Not Allowed"),
            Map.entry(408, "Request Timeout"), Map.entry(413, "Content Too Large"), Map.entry(414, "URI Too Long"),
            Map.entry(431, "Request Header Fields Too Large"), Map.entry(500, "Internal Server Error"),
            Map.entry(501, "Not Implemented"), Map.entry(503, "Service Unavailable"),
            Map.entry(505, "HTTP Version Not Supported"));

    private final RequestHead head;
    private final Map<String, String> params;
    private final InputStream in;
    private final OutputStream out;
    private final int bodyLimit;
    private final HttpApi.Conn conn;
    private Map<String, String> query;
    private byte[] body;
    private boolean responded;

    Call(RequestHead head, Map<String, String> params, InputStream in, OutputStream out, int bodyLimit,
         HttpApi.Conn conn) {
        this.conn = conn;
        this.head = head;
        this.params = params;
        this.in = in;
        this.out = out;
        this.bodyLimit = bodyLimit;
    }

    public String method() {
        return head.method();
    }

    /** The path as sent (percent-encoded). */
    public String rawPath() {
        return head.rawPath();
    }

    /** Path and query as sent. */
    public String rawTarget() {
        return head.target();
    }

    /** A path parameter of the route ({@code {id}}), decoded. */
    public String param(String name) {
        String v = params.get(name);
        if (v == null) {
            throw new IllegalArgumentException("route has no parameter {" + name + "}");
        }
        return v;
    }

    /** The query parameters, decoded (a 400 for bad percent-encoding). */
    public Map<String, String> query() {
        if (query == null) {
            query = Percent.query(head.rawQuery());
        }
        return query;
    }

    /** A request header (case-insensitive name), or null. */
    public String header(String name) {
        return head.header(name);
    }

    /** The body, at most the server's limit (a 413 beyond it, before more is read). */
    public byte[] body() throws IOException {
        if (body == null) {
            long declared = head.contentLength();
            if (declared > bodyLimit) {
                throw BodyReader.tooLarge(declared + " bytes", bodyLimit);
            }
            if ((declared != 0) && "100-continue".equalsIgnoreCase(head.header("expect"))
                    && head.version().equals("HTTP/1.1")) {
                out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
            conn.readingFor(HttpApi.READ_DEADLINE_NANOS);
            try {
                body = BodyReader.read(head, in, bodyLimit);
            } finally {
                conn.readingFor(0);
            }
        }
        return body;
    }

    /**
     * The body as JSON (strict: a key twice, trailing text or malformed JSON is a 400).
     *
     * @param expected what the route takes, for the message (e.g. "a JSON object like {...}")
     */
    public JsonNode jsonBody(String expected) throws IOException {
        return Json.read(body(), expected);
    }

    /** Answers {@code value} as JSON. */
    public void json(int status, Object value) throws IOException {
        send(status, "application/json", Json.write(value), Map.of());
    }

    /** Answers {@code {"error": message}} (credentials in URLs masked). */
    public void error(int status, String message) throws IOException {
        error(status, message, Map.of());
    }

    void error(int status, String message, Map<String, String> headers) throws IOException {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", UrlMasker.maskAll(message));
        send(status, "application/json", Json.write(body), headers);
    }

    /** Answers a body of the given type (no body for a 204). */
    public void send(int status, String contentType, byte[] body, Map<String, String> headers) throws IOException {
        Map<String, String> h = new LinkedHashMap<>();
        if (status != 204) {
            h.put("Content-Type", contentType);
            h.put("Content-Length", Integer.toString(body.length));
        }
        h.putAll(headers);
        head(status, h);
        if (status != 204) {
            out.write(body);
        }
        out.flush();
    }

    /** Answers 204 No Content. */
    public void noContent() throws IOException {
        send(204, null, new byte[0], Map.of());
    }

    /** Answers a redirect to {@code location} (a path of this server, or a URL). */
    public void redirect(int status, String location, Map<String, String> headers) throws IOException {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put("Location", location);
        send(status, "text/plain; charset=utf-8", new byte[0], h);
    }

    /**
     * Answers 200 with a body of unknown length (until the connection closes), e.g. an MJPEG stream: write to the
     * stream returned, flush after each part. A write fails once the client has gone, or when it has stopped
     * reading for the server's write timeout.
     */
    public OutputStream stream(String contentType, Map<String, String> headers) throws IOException {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", contentType);
        h.putAll(headers);
        head(200, h);
        out.flush();
        return out;
    }

    /**
     * Whether the client has closed its side: a read that waits 1 ms finds the end of the stream (or a reset). For a
     * long answer that writes rarely (a stream without news), so a client that left is noticed without a write.
     */
    public boolean clientGone() {
        try {
            int before = conn.socket.getSoTimeout();
            conn.socket.setSoTimeout(1);
            try {
                return in.read() < 0; // a byte read is the client saying more: ignored
            } catch (java.net.SocketTimeoutException e) {
                return false;
            } finally {
                conn.socket.setSoTimeout(before);
            }
        } catch (IOException e) {
            return true;
        }
    }

    boolean responded() {
        return responded;
    }

    private void head(int status, Map<String, String> headers) throws IOException {
        if (responded) {
            throw new IllegalStateException("answered twice");
        }
        responded = true;
        Map<String, String> all = new LinkedHashMap<>();
        all.put("Cache-Control", "no-store");
        all.put("X-Content-Type-Options", "nosniff");
        all.put("Referrer-Policy", "no-referrer");
        headers.forEach(all::put);
        all.put("Connection", "close");
        StringBuilder sb = new StringBuilder(256);
        sb.append("HTTP/1.1 ").append(status).append(' ').append(REASONS.getOrDefault(status, "Status")).append("\r\n");
        for (Map.Entry<String, String> e : all.entrySet()) {
            String v = e.getValue();
            if (v == null) {
                continue;
            }
            for (int i = 0; i < v.length(); i++) {
                if (v.charAt(i) < 0x20 || v.charAt(i) >= 0x7f) {
                    throw new IllegalArgumentException("header " + e.getKey() + ": expected visible ASCII, found 0x"
                            + Integer.toHexString(v.charAt(i)));
                }
            }
            sb.append(e.getKey()).append(": ").append(v).append("\r\n");
        }
        sb.append("\r\n");
        out.write(sb.toString().getBytes(StandardCharsets.US_ASCII));
    }
}
