package io.yolostream.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks credentials in camera URLs ({@code rtsp://user:pass@host/...} → {@code rtsp://***:***@host/...}). Used on
 * every string that can reach a log, a metric, an error or an API answer.
 */
public final class UrlMasker {
    // scheme://userinfo@ where userinfo has no '/', whitespace or '@'
    private static final Pattern USERINFO = Pattern.compile("([a-zA-Z][a-zA-Z0-9+.-]*://)([^/\\s@]+)@");

    private UrlMasker() {
    }

    /** The URL with its user info replaced. */
    public static String mask(String url) {
        return url == null ? null : maskAll(url);
    }

    /** Every URL with credentials inside a free text (a log line, an exception message). */
    public static String maskAll(String text) {
        if (text == null || text.indexOf('@') < 0) {
            return text;
        }
        Matcher m = USERINFO.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String userInfo = m.group(2);
            String replacement = userInfo.indexOf(':') >= 0 ? "***:***" : "***";
            m.appendReplacement(sb, Matcher.quoteReplacement(m.group(1) + replacement + "@"));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}
