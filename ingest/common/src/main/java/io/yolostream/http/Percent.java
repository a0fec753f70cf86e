package io.yolostream.http;

import io.yolostream.config.Echo;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Strict percent-decoding of path segments and query strings: every {@code %} followed by two hex digits, the bytes
 * valid UTF-8; anything else is a 400 naming the input (where {@code URLDecoder} would throw or invent characters).
 */
final class Percent {
    private Percent() {
    }

    /** A path segment ({@code +} stays a plus: this is a path, not a form). */
    static String segment(String raw) {
        return decode(raw, false, "path segment");
    }

    /** {@code a=1&b=x%20y} as a map (the first of repeated names wins; {@code +} is a space, as forms send it). */
    static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String part : raw.split("&")) {
            if (part.isEmpty()) {
                continue;
            }
            int eq = part.indexOf('=');
            String name = decode(eq < 0 ? part : part.substring(0, eq), true, "query parameter name");
            String value = eq < 0 ? "" : decode(part.substring(eq + 1), true, "query parameter '" + Echo.of(name) + "'");
            out.putIfAbsent(name, value);
        }
        return out;
    }

    private static String decode(String raw, boolean plusIsSpace, String what) {
        if (raw.indexOf('%') < 0 && (!plusIsSpace || raw.indexOf('+') < 0)) {
            return raw;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                int hi = i + 1 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
                int lo = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 2), 16) : -1;
                if (hi < 0 || lo < 0) {
                    throw HttpError.badRequest(what + " '" + Echo.of(raw) + "': expected %XX with two hex digits "
                            + "after each %, found '" + Echo.of(raw.substring(i, Math.min(raw.length(), i + 3))) + "'");
                }
                bytes.write(hi << 4 | lo);
                i += 2;
            } else if (c == '+' && plusIsSpace) {
                bytes.write(' ');
            } else {
                // the request target is visible ASCII (checked when it was read)
                bytes.write(c);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw HttpError.badRequest(what + " '" + Echo.of(raw) + "': expected percent-encoded UTF-8, found bytes "
                    + "that are not UTF-8");
        }
    }
}
