package io.yolostream.http.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Requests written byte for byte on a socket, as a hostile client would (no client library to tidy them up), and
 * the answer read until the server closes the connection.
 */
public final class RawHttp {
    /** An answer: status, headers (lower-case names, last wins), body (UTF-8). */
    public record Answer(int status, Map<String, String> headers, String body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        @Override
        public String toString() {
            return status + " " + headers + " " + body;
        }
    }

    private RawHttp() {
    }

    public static Answer send(int port, String request) throws IOException {
        return send(port, request.getBytes(StandardCharsets.ISO_8859_1));
    }

    public static Answer send(int port, byte[] request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write(request);
            out.flush();
            return read(s.getInputStream());
        }
    }

    /** A GET with the usual headers plus {@code extra} lines ("Name: value"). */
    public static Answer get(int port, String target, String... extra) throws IOException {
        return send(port, "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n" + lines(extra) + "\r\n");
    }

    /** A request with a body (Content-Length set) plus {@code extra} header lines. */
    public static Answer request(int port, String method, String target, String body, String... extra)
            throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        return send(port, (method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nContent-Length: "
                + b.length + "\r\n" + lines(extra) + "\r\n" + body));
    }

    public static String lines(String... extra) {
        StringBuilder sb = new StringBuilder();
        for (String e : extra) {
            sb.append(e).append("\r\n");
        }
        return sb.toString();
    }

    public static Answer read(InputStream in) throws IOException {
        String all = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        while (all.startsWith("HTTP/1.1 1")) {
            all = all.substring(all.indexOf("\r\n\r\n") + 4); // an interim answer (100 Continue)
        }
        int end = all.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new IOException("no complete answer head: '" + all + "'");
        }
        String[] lines = all.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).strip());
        }
        return new Answer(status, headers, new String(all.substring(end + 4).getBytes(StandardCharsets.ISO_8859_1),
                StandardCharsets.UTF_8));
    }
}
