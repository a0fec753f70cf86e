package io.yolostream.http;

import io.yolostream.config.Echo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A request's line and headers, read strictly (RFC 9112): a method of upper-case letters, an origin-form target
 * of visible ASCII, HTTP/1.0 or 1.1, header names that are tokens, no line folding, no control characters, one
 * framing (Content-Length or chunked, never both), bounded sizes. Anything else is an {@link HttpError} (400, 414,
 * 431, 501, 505), which the server answers as JSON.
 *
 * @param rawPath  the target's path, still percent-encoded
 * @param rawQuery the target's query, still percent-encoded (null when there is none)
 */
record RequestHead(String method, String target, String rawPath, String rawQuery, String version,
                   Map<String, List<String>> headers) {
    /** Longest request line (the target is most of it). */
    static final int MAX_LINE = 8 * 1024;
    /** Longest head: the request line and every header line. */
    static final int MAX_HEAD = 16 * 1024;
    static final int MAX_HEADERS = 100;

    /** The first value of a header (names are case-insensitive), or null. */
    String header(String name) {
        List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
        return v == null ? null : v.get(0);
    }

    List<String> headerValues(String name) {
        return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
    }

    /** The media type of the body, lower case, without parameters ({@code application/json}), or null. */
    String mediaType() {
        String ct = header("content-type");
        if (ct == null) {
            return null;
        }
        int semi = ct.indexOf(';');
        return (semi < 0 ? ct : ct.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
    }

    boolean chunked() {
        return header("transfer-encoding") != null;
    }

    /** The declared body length; -1 when the body is chunked, 0 when there is none. */
    long contentLength() {
        if (chunked()) {
            return -1;
        }
        String v = header("content-length");
        return v == null ? 0 : Long.parseLong(v);
    }

    /**
     * Reads a head from {@code in}.
     *
     * @return null when the client closed the connection before sending anything
     */
    static RequestHead read(InputStream in) throws IOException {
        int[] budget = {MAX_HEAD};
        String line = line(in, budget, true);
        if (line == null) {
            return null;
        }
        String[] parts = line.split(" ", -1);
        if (parts.length != 3) {
            throw HttpError.badRequest("request line '" + Echo.of(line) + "': expected 'METHOD /path HTTP/1.1'");
        }
        String method = parts[0];
        String target = parts[1];
        String version = parts[2];
        if (!method.matches("[A-Z]{1,16}")) {
            throw HttpError.badRequest("method '" + Echo.of(method) + "': expected upper-case letters, e.g. GET");
        }
        if (!version.equals("HTTP/1.1") && !version.equals("HTTP/1.0")) {
            if (version.matches("HTTP/\\d(\\.\\d)?")) {
                throw new HttpError(505, "version " + version + ": expected HTTP/1.1 or HTTP/1.0");
            }
            throw HttpError.badRequest("request line '" + Echo.of(line) + "': expected 'METHOD /path HTTP/1.1'");
        }
        if (!target.startsWith("/")) {
            throw HttpError.badRequest("request target '" + Echo.of(target) + "': expected a path starting with /");
        }
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c <= 0x20 || c >= 0x7f || c == '#') {
                throw HttpError.badRequest("request target '" + Echo.of(target) + "': expected visible ASCII without "
                        + "'#' (percent-encode the rest), found " + (c == '#' ? "'#'" : String.format("0x%02x", (int) c))
                        + " at " + i);
            }
        }
        int q = target.indexOf('?');
        String rawPath = q < 0 ? target : target.substring(0, q);
        String rawQuery = q < 0 ? null : target.substring(q + 1);

        Map<String, List<String>> headers = new LinkedHashMap<>();
        int count = 0;
        while (true) {
            String h = line(in, budget, false);
            if (h == null) {
                throw HttpError.badRequest("request head: expected headers ending with an empty line, found the end "
                        + "of the connection");
            }
            if (h.isEmpty()) {
                break;
            }
            if (++count > MAX_HEADERS) {
                throw new HttpError(431, "request head: expected at most " + MAX_HEADERS + " headers");
            }
            if (h.charAt(0) == ' ' || h.charAt(0) == '\t') {
                throw HttpError.badRequest("header line '" + Echo.of(h) + "': expected 'Name: value', found a folded "
                        + "line (obsolete, refused)");
            }
            int colon = h.indexOf(':');
            String name = colon < 0 ? "" : h.substring(0, colon);
            if (!name.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
                throw HttpError.badRequest("header line '" + Echo.of(h) + "': expected 'Name: value' with a name of "
                        + "letters, digits and !#$%&'*+.^_`|~-");
            }
            String value = h.substring(colon + 1).strip();
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c < 0x20 && c != '\t' || c == 0x7f) {
                    throw HttpError.badRequest("header " + name + ": expected no control characters, found "
                            + String.format("0x%02x", (int) c));
                }
            }
            headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(value);
        }
        headers.replaceAll((k, v) -> List.copyOf(v));
        RequestHead head = new RequestHead(method, target, rawPath, rawQuery, version, Map.copyOf(headers));
        head.checkFraming();
        return head;
    }

    private void checkFraming() {
        List<String> hosts = headerValues("host");
        if (hosts.size() > 1) {
            throw HttpError.badRequest("Host: expected one header, found " + hosts.size());
        }
        if (hosts.isEmpty() && version.equals("HTTP/1.1")) {
            throw HttpError.badRequest("Host: expected the header (HTTP/1.1), found none");
        }
        List<String> te = headerValues("transfer-encoding");
        List<String> cl = headerValues("content-length");
        if (!te.isEmpty()) {
            if (!cl.isEmpty()) {
                throw HttpError.badRequest("request framing: expected Content-Length or Transfer-Encoding, found both");
            }
            if (te.size() != 1 || !te.get(0).equalsIgnoreCase("chunked")) {
                throw new HttpError(501, "Transfer-Encoding '" + Echo.of(String.join(", ", te)) + "': expected chunked "
                        + "or none");
            }
        }
        for (String v : cl) {
            if (!v.matches("\\d{1,18}") || !v.equals(cl.get(0))) {
                throw HttpError.badRequest("Content-Length '" + Echo.of(String.join(", ", cl)) + "': expected one "
                        + "number of bytes");
            }
        }
    }

    /** One line without its CRLF (or bare LF), in ISO-8859-1; null at the end of the stream. */
    private static String line(InputStream in, int[] budget, boolean first) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(128);
        int limit = first ? MAX_LINE : MAX_HEAD;
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (buf.size() == 0) {
                    return null;
                }
                throw HttpError.badRequest("request head: expected lines ending with CRLF, found the end of the "
                        + "connection");
            }
            if (--budget[0] < 0) {
                throw new HttpError(431, "request head: expected at most " + MAX_HEAD / 1024 + " KiB of request line "
                        + "and headers");
            }
            if (b == '\n') {
                byte[] bytes = buf.toByteArray();
                int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, n, StandardCharsets.ISO_8859_1);
            }
            if (buf.size() >= limit) {
                throw first ? new HttpError(414, "request line: expected at most " + MAX_LINE / 1024 + " KiB")
                        : new HttpError(431, "request head: expected at most " + MAX_HEAD / 1024 + " KiB of request "
                        + "line and headers");
            }
            // a bare CR stays in the line, where the checks above refuse it as a control character
            buf.write(b);
        }
    }
}
