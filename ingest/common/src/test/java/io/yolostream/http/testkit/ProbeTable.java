package io.yolostream.http.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The bad-input table of {@code docs/security.md}, replayed against a real service, so the documentation cannot
 * drift from what the services answer. A row:
 * <pre>
 * | ingest | `POST /cameras` · token · `Content-Type: text/plain` · `{"id":"x"}` | `403` `Content-Type 'text/plain': expected application/json` | 201 |
 * </pre>
 * The request: the request line, then {@code token} (the bearer header), headers ({@code Name: value}) and a body
 * ({@code {...}}; {@code ‹a×N›} stands for N times {@code a}). The answer: the status, then the start of the JSON
 * error, where {@code …} skips any text; a row whose answer has no message checks the status only.
 */
public final class ProbeTable {
    /** service | request | answer | before (what the probe got before, not checked). */
    private static final Pattern ROW = Pattern.compile(
            "^\\|\\s*(ingest|sinks|detect)\\s*\\|([^|]+)\\|([^|]+)\\|([^|]*)\\|\\s*$");
    private static final Pattern CODE = Pattern.compile("`([^`]*)`");
    private static final Pattern REPEAT = Pattern.compile("‹(.)×(\\d+)›");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One row: where it is in the file, the request's parts, the status and the message's pieces. */
    public record Probe(int line, String service, String request, List<String> parts, int status,
                        List<String> pieces) {
    }

    private ProbeTable() {
    }

    /** The rows of {@code service}, from the repository's docs/security.md (found from the working directory up). */
    public static List<Probe> rows(String service) {
        Path doc = find();
        List<Probe> out = new ArrayList<>();
        try {
            List<String> lines = Files.readAllLines(doc, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                Matcher m = ROW.matcher(lines.get(i));
                if (!m.matches() || !m.group(1).equals(service)) {
                    continue;
                }
                List<String> parts = new ArrayList<>();
                for (String p : m.group(2).strip().split(" · ")) {
                    String s = p.strip();
                    parts.add(s.startsWith("`") && s.endsWith("`") ? s.substring(1, s.length() - 1) : s);
                }
                Matcher code = CODE.matcher(m.group(3));
                if (!code.find()) {
                    throw new IllegalStateException(doc + ":" + (i + 1) + ": expected a `status`, found " + m.group(3));
                }
                int status = Integer.parseInt(code.group(1));
                List<String> pieces = code.find() ? List.of(code.group(1).split("…", -1)) : List.of();
                out.add(new Probe(i + 1, service, m.group(2).strip(), parts, status, pieces));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (out.isEmpty()) {
            throw new IllegalStateException(doc + ": expected rows for " + service + ", found none");
        }
        return out;
    }

    /**
     * Sends every row of {@code service} to the server on {@code port} and checks each answer; all mismatches are
     * reported at once, with their line in the document.
     */
    public static int check(String service, int port, String token) throws IOException {
        List<String> failures = new ArrayList<>();
        List<Probe> rows = rows(service);
        for (Probe p : rows) {
            RawHttp.Answer a = RawHttp.send(port, request(p, port, token));
            String problem = mismatch(p, a);
            if (problem != null) {
                failures.add("docs/security.md:" + p.line() + " " + p.request() + ": " + problem);
            }
        }
        if (!failures.isEmpty()) {
            throw new AssertionError(failures.size() + " of " + rows.size() + " documented probes answer otherwise:\n  "
                    + String.join("\n  ", failures));
        }
        return rows.size();
    }

    static byte[] request(Probe p, int port, String token) {
        String line = p.parts().get(0);
        List<String> headers = new ArrayList<>();
        String body = "";
        for (String part : p.parts().subList(1, p.parts().size())) {
            if (part.equals("token")) {
                headers.add("Authorization: Bearer " + token);
            } else if (part.startsWith("{") || part.startsWith("[")) {
                Matcher m = REPEAT.matcher(part);
                StringBuilder sb = new StringBuilder();
                while (m.find()) {
                    m.appendReplacement(sb, Matcher.quoteReplacement(m.group(1).repeat(Integer.parseInt(m.group(2)))));
                }
                m.appendTail(sb);
                body = sb.toString();
            } else if (part.matches("[A-Za-z-]+: .*")) {
                headers.add(part);
            } else {
                throw new IllegalStateException("docs/security.md:" + p.line() + ": expected token, a header or a "
                        + "JSON body, found '" + part + "'");
            }
        }
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        StringBuilder req = new StringBuilder(line).append(" HTTP/1.1\r\n");
        if (headers.stream().noneMatch(h -> h.toLowerCase(Locale.ROOT).startsWith("host:"))) {
            req.append("Host: 127.0.0.1:").append(port).append("\r\n");
        }
        if (headers.stream().noneMatch(h -> h.toLowerCase(Locale.ROOT).startsWith("content-length:"))) {
            req.append("Content-Length: ").append(b.length).append("\r\n");
        }
        headers.forEach(h -> req.append(h).append("\r\n"));
        req.append("\r\n");
        byte[] head = req.toString().getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[head.length + b.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(b, 0, all, head.length, b.length);
        return all;
    }

    private static String mismatch(Probe p, RawHttp.Answer a) throws IOException {
        if (a.status() != p.status()) {
            return "expected " + p.status() + ", found " + a;
        }
        if (p.pieces().isEmpty()) {
            return null;
        }
        if (!"application/json".equals(a.header("content-type"))) {
            return "expected a JSON error, found " + a;
        }
        JsonNode error = JSON.readTree(a.body()).get("error");
        String message = error == null ? "" : error.asText();
        int at = 0;
        for (int i = 0; i < p.pieces().size(); i++) {
            String piece = p.pieces().get(i);
            int found = i == 0 ? (message.startsWith(piece) ? 0 : -1) : message.indexOf(piece, at);
            if (found < 0) {
                return "expected the message " + String.join("…", p.pieces()) + ", found " + message;
            }
            at = found + piece.length();
        }
        return null;
    }

    private static Path find() {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            Path doc = d.resolve("docs").resolve("security.md");
            if (Files.isRegularFile(doc)) {
                return doc;
            }
        }
        throw new IllegalStateException("docs/security.md: expected it in " + dir + " or a parent, found none");
    }
}
