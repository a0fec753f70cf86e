package io.yolostream.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A request body, read at most {@code limit} bytes far: a declared length over the limit is refused before a byte of
 * it is read, a chunked body as soon as it passes the limit (413 either way).
 */
final class BodyReader {
    private BodyReader() {
    }

    static byte[] read(RequestHead head, InputStream in, int limit) throws IOException {
        if (!head.chunked()) {
            long length = head.contentLength();
            if (length > limit) {
                throw tooLarge(length + " bytes", limit);
            }
            byte[] body = in.readNBytes((int) length);
            if (body.length < length) {
                throw HttpError.badRequest("request body: expected " + length + " bytes (Content-Length), found "
                        + body.length + " before the end of the connection");
            }
            return body;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = chunkLine(in);
            int semi = sizeLine.indexOf(';');
            String hex = (semi < 0 ? sizeLine : sizeLine.substring(0, semi)).strip();
            if (!hex.matches("[0-9A-Fa-f]{1,8}")) {
                throw HttpError.badRequest("chunked body: expected a hex chunk size, found '"
                        + io.yolostream.config.Echo.of(sizeLine) + "'");
            }
            long size = Long.parseLong(hex, 16);
            if (size == 0) {
                // trailers (ignored), up to the empty line
                for (int n = 0; !chunkLine(in).isEmpty(); n++) {
                    if (n >= RequestHead.MAX_HEADERS) {
                        throw HttpError.badRequest("chunked body: expected at most " + RequestHead.MAX_HEADERS
                                + " trailer lines");
                    }
                }
                return out.toByteArray();
            }
            if (out.size() + size > limit) {
                throw tooLarge("more than " + limit + " bytes (chunked)", limit);
            }
            byte[] chunk = in.readNBytes((int) size);
            if (chunk.length < size) {
                throw HttpError.badRequest("chunked body: expected a chunk of " + size + " bytes, found the end of the "
                        + "connection");
            }
            out.write(chunk);
            if (!chunkLine(in).isEmpty()) {
                throw HttpError.badRequest("chunked body: expected CRLF after a chunk's data");
            }
        }
    }

    static HttpError tooLarge(String found, int limit) {
        return new HttpError(413, "request body: expected at most " + limit + " bytes (" + limit / 1024 + " KiB), "
                + "found " + found);
    }

    private static String chunkLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw HttpError.badRequest("chunked body: expected the last chunk (size 0), found the end of the "
                        + "connection");
            }
            if (b == '\n') {
                int n = sb.length();
                return new String(sb).substring(0, n > 0 && sb.charAt(n - 1) == '\r' ? n - 1 : n);
            }
            if (sb.length() > 1024) {
                throw HttpError.badRequest("chunked body: expected chunk lines under 1 KiB");
            }
            sb.append((char) b);
        }
    }
}
