package io.yolostream.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks secrets in URLs: the user info ({@code rtsp://user:pass@host/...} → {@code rtsp://***:***@host/...}) and the
 * values of query parameters whose names look secret ({@code ?password=...}, {@code &token=...}, ...). Used on every
 * string that can reach a log, a metric, an error, a status line or an API answer.
 *
 * <p>The user info ends at the <em>last</em> {@code @} of the authority (before the first {@code /}, {@code ?} or
 * {@code #}), as ffmpeg's {@code av_url_split} reads it, so an unencoded {@code @} or {@code :} in a password is
 * masked with the rest. A URL whose authority has no {@code @} but whose "port" is not a number while an {@code @}
 * follows later (a password with an unencoded {@code /}) is masked up to that {@code @} too: such a URL is broken
 * anyway, and showing it would show the password.
 */
public final class UrlMasker {
    /** A URL inside free text: scheme:// then anything up to whitespace or a quote. */
    private static final Pattern URL = Pattern.compile("([a-zA-Z][a-zA-Z0-9+.-]*://)([^\\s\"'<>`]*)");
    /** Parameter names that look secret (substrings, case-insensitive). */
    private static final String[] SECRET_NAMES = {"password", "pass", "pwd", "token", "key", "secret", "auth"};
    private static final Pattern PORT = Pattern.compile("\\d{0,5}");

    private UrlMasker() {
    }

    /** The URL with its user info and secret-looking query values replaced. */
    public static String mask(String url) {
        return url == null ? null : maskAll(url);
    }

    /** Every URL inside a free text (a log line, an exception message), masked. */
    public static String maskAll(String text) {
        if (text == null || !text.contains("://")) {
            return text;
        }
        Matcher m = URL.matcher(text);
        StringBuilder sb = new StringBuilder(text.length());
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement(m.group(1) + maskRest(m.group(2))));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /** Whether a query parameter of this name is masked. */
    public static boolean isSecretName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (String s : SECRET_NAMES) {
            if (n.contains(s)) {
                return true;
            }
        }
        return false;
    }

    /** What follows {@code scheme://}: authority, path, query, fragment. */
    private static String maskRest(String rest) {
        int authorityEnd = indexOfAny(rest, "/?#", 0);
        int end = authorityEnd < 0 ? rest.length() : authorityEnd;
        int at = rest.lastIndexOf('@', end - 1);
        if (at < 0) {
            at = brokenUserInfoEnd(rest, end);
        }
        String out = rest;
        if (at >= 0) {
            String userInfo = rest.substring(0, at);
            out = (userInfo.indexOf(':') >= 0 ? "***:***" : "***") + rest.substring(at);
        }
        return maskQuery(out);
    }

    /** The '@' ending a user info that holds an unencoded '/', '?' or '#', or -1 for a URL without user info. */
    private static int brokenUserInfoEnd(String rest, int authorityEnd) {
        if (authorityEnd >= rest.length()) {
            return -1;
        }
        String authority = rest.substring(0, authorityEnd);
        int colon = authority.lastIndexOf(':');
        boolean badPort = colon >= 0 && authority.indexOf(']') < colon && !PORT.matcher(authority.substring(colon + 1))
                .matches();
        return badPort ? rest.lastIndexOf('@') : -1;
    }

    private static String maskQuery(String s) {
        int q = s.indexOf('?');
        if (q < 0) {
            return s;
        }
        int hash = s.indexOf('#', q);
        int qEnd = hash < 0 ? s.length() : hash;
        StringBuilder out = new StringBuilder(s.length()).append(s, 0, q + 1);
        String[] params = s.substring(q + 1, qEnd).split("&", -1);
        for (int i = 0; i < params.length; i++) {
            if (i > 0) {
                out.append('&');
            }
            String p = params[i];
            int eq = p.indexOf('=');
            if (eq > 0 && isSecretName(p.substring(0, eq))) {
                out.append(p, 0, eq + 1).append("***");
            } else {
                out.append(p);
            }
        }
        return out.append(s, qEnd, s.length()).toString();
    }

    private static int indexOfAny(String s, String chars, int from) {
        for (int i = from; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }
}
