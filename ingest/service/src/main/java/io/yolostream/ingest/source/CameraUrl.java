package io.yolostream.ingest.source;

import io.yolostream.ingest.IngestException;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A camera's input as ffmpeg will open it: a network stream of one of the {@link #SCHEMES camera schemes}, or a local
 * file. Anything else ({@code file:} aside, every other ffmpeg protocol: {@code ftp:}, {@code gopher:}, {@code tcp:},
 * {@code concat:}, {@code data:}, {@code subfile,...:}, {@code pipe:}, ...) is refused here, before ffmpeg sees it.
 * Each kind comes with the ffmpeg {@code protocol_whitelist} it is opened with, so a stream cannot pull in another
 * protocol either (an HLS playlist naming {@code file:} segments, an RTSP server redirecting to {@code http:}).
 *
 * @param url    the URL as given, scheme in lower case (credentials included: print
 *               {@link io.yolostream.config.UrlMasker#mask})
 * @param scheme lower-case scheme of a network stream; {@code "file"} for a local file
 * @param file   the local file (absolute, normalized), null for a network stream
 * @param host   the network stream's host, null for a file or when the URL has none
 */
public record CameraUrl(String url, String scheme, Path file, String host) {
    /** Every scheme a camera can ever use (which of them are allowed is {@link CameraUrlPolicy}'s business). */
    public static final List<String> SCHEMES = List.of("rtsp", "rtsps", "http", "https", "rtmp", "rtmps");

    /** What ffmpeg may open for each kind of input (the top-level URL and anything it refers to). */
    private static final Map<String, String> WHITELISTS = Map.of(
            "rtsp", "rtsp,tcp,udp,rtp",
            "rtsps", "rtsps,tcp,udp,rtp,tls",
            "http", "http,https,tcp,tls,crypto",
            "https", "http,https,tcp,tls,crypto",
            "rtmp", "rtmp,rtmps,tcp,tls",
            "rtmps", "rtmp,rtmps,tcp,tls",
            "file", "file");

    /**
     * ffmpeg reads "name:" at the start of an input as a protocol (and "subfile,...:"; url_find_protocol): the same
     * characters here, so nothing ffmpeg would take for a protocol passes as a file name.
     */
    private static final Pattern PROTOCOL = Pattern.compile("^([A-Za-z0-9+.-]+)(:|,(?=.*:))");

    /** Classifies {@code url}; an {@link IngestException} names a scheme that no camera may use. */
    public static CameraUrl parse(String url) {
        if (url == null || url.isBlank()) {
            throw new IngestException("url: expected an rtsp:// URL or a video file, found none");
        }
        String u = url.strip();
        Matcher m = PROTOCOL.matcher(u);
        if (!m.find()) {
            return file(url, u);
        }
        String scheme = m.group(1).toLowerCase(Locale.ROOT);
        if (scheme.equals("file") && u.charAt(m.end(1)) == ':') {
            return file(url, u.substring(5));
        }
        if (!SCHEMES.contains(scheme) || u.charAt(m.end(1)) != ':' || !u.startsWith("://", m.end(1))) {
            throw new IngestException("url " + u + ": scheme '" + scheme + "' is never a camera (expected one of "
                    + String.join(", ", SCHEMES) + ", or a video file)");
        }
        String host;
        try {
            URI parsed = new URI(u);
            host = parsed.getHost();
            if (host == null && parsed.getRawAuthority() != null) {
                // a user info with characters URI refuses (an unencoded '@'): ffmpeg takes what follows the last '@'
                String authority = parsed.getRawAuthority();
                host = hostOf(authority.substring(authority.lastIndexOf('@') + 1));
            }
        } catch (URISyntaxException e) {
            host = hostOf(authorityOf(u.substring(m.end(1) + 3)));
        }
        return new CameraUrl(scheme + u.substring(m.end(1)), scheme, null, host == null || host.isEmpty() ? null
                : host);
    }

    private static CameraUrl file(String url, String path) {
        try {
            return new CameraUrl(url, "file", Path.of(path).toAbsolutePath().normalize(), null);
        } catch (InvalidPathException e) {
            throw new IngestException("url " + url + ": expected a video file path, found one that is not a path ("
                    + e.getReason() + ")");
        }
    }

    private static String authorityOf(String rest) {
        int end = rest.length();
        for (char c : new char[] {'/', '?', '#'}) {
            int i = rest.indexOf(c);
            if (i >= 0 && i < end) {
                end = i;
            }
        }
        String authority = rest.substring(0, end);
        return authority.substring(authority.lastIndexOf('@') + 1);
    }

    private static String hostOf(String hostPort) {
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            return close < 0 ? hostPort : hostPort.substring(1, close);
        }
        int colon = hostPort.lastIndexOf(':');
        return colon < 0 ? hostPort : hostPort.substring(0, colon);
    }

    public boolean isFile() {
        return file != null;
    }

    /** What ffmpeg opens: {@code file:} + the absolute path for files (no name is read as a protocol), else the URL. */
    public String ffmpegInput() {
        return isFile() ? "file:" + file : url;
    }

    /** The ffmpeg {@code protocol_whitelist} for this input. */
    public String protocolWhitelist() {
        return WHITELISTS.get(scheme);
    }
}
