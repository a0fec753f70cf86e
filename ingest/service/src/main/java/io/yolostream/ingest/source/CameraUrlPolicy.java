package io.yolostream.ingest.source;

import io.yolostream.ingest.IngestException;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which camera inputs are accepted: the allowlist every camera URL passes before ffmpeg opens it.
 *
 * <ul>
 *   <li>Network streams: only the {@code schemes} listed ({@code rtsp, rtsps} by default; {@code http, https, rtmp,
 *   rtmps} only when configured, for MJPEG/HLS/RTMP cameras). Other protocols are never accepted
 *   ({@link CameraUrl}).</li>
 *   <li>{@code http(s)}/{@code rtmp(s)} to this machine or link-local addresses (loopback, {@code 169.254.x.x} where
 *   cloud metadata answers, the unspecified address) only with {@code allowLocalHosts}: otherwise a camera URL
 *   would let whoever adds cameras read this machine's own HTTP services (server-side request forgery). RTSP
 *   cameras may be anywhere (an RTSP request is not an HTTP request).</li>
 *   <li>Local files: those the operator named (config file, command line, demo) anywhere; through the control API
 *   only inside {@code fileDirs} (none by default), symbolic links resolved first.</li>
 * </ul>
 * Refusals are {@link IngestException}s naming the input, the rule and the setting that changes it.
 *
 * @param schemes         allowed network schemes, lower case, a subset of {@link CameraUrl#SCHEMES}
 * @param fileDirs        directories whose files the control API may add (absolute, normalized)
 * @param allowLocalHosts http(s)/rtmp(s) cameras may be on loopback or link-local addresses
 */
public record CameraUrlPolicy(Set<String> schemes, List<Path> fileDirs, boolean allowLocalHosts) {
    public static final String SCHEMES_KEY = "camera-schemes";
    public static final String FILE_DIRS_KEY = "camera-file-dirs";
    public static final String LOCAL_HOSTS_KEY = "camera-allow-local-hosts";
    public static final List<String> DEFAULT_SCHEMES = List.of("rtsp", "rtsps");

    /** Where a camera comes from: the operator (config, command line) or the control API. */
    public enum Origin { OPERATOR, API }

    public CameraUrlPolicy {
        Set<String> s = new LinkedHashSet<>();
        for (String scheme : schemes) {
            String n = scheme.strip().toLowerCase(Locale.ROOT);
            if (!CameraUrl.SCHEMES.contains(n)) {
                throw new IngestException(SCHEMES_KEY + ": expected schemes among " + String.join(", ",
                        CameraUrl.SCHEMES) + " (local files come from " + FILE_DIRS_KEY + "), found '" + scheme + "'");
            }
            s.add(n);
        }
        schemes = Set.copyOf(s);
        fileDirs = fileDirs.stream().map(d -> d.toAbsolutePath().normalize()).toList();
    }

    /** rtsp and rtsps, no local files through the API, no local hosts. */
    public static CameraUrlPolicy defaults() {
        return new CameraUrlPolicy(Set.copyOf(DEFAULT_SCHEMES), List.of(), false);
    }

    /** What is wrong with a comma-separated scheme list (a config validator), or null. */
    public static String schemesProblem(String list) {
        for (String s : split(list)) {
            if (!CameraUrl.SCHEMES.contains(s.toLowerCase(Locale.ROOT))) {
                return "schemes among " + String.join(", ", CameraUrl.SCHEMES) + " (local files come from "
                        + FILE_DIRS_KEY + "; '" + s + "' is never a camera)";
            }
        }
        return null;
    }

    /** From the config values: comma-separated schemes and directories. */
    public static CameraUrlPolicy of(String schemes, String fileDirs, boolean allowLocalHosts) {
        return new CameraUrlPolicy(Set.copyOf(split(schemes)), split(fileDirs).stream().map(Path::of).toList(),
                allowLocalHosts);
    }

    private static List<String> split(String list) {
        List<String> out = new ArrayList<>();
        if (list != null) {
            for (String p : list.split(",")) {
                if (!p.isBlank()) {
                    out.add(p.strip());
                }
            }
        }
        return out;
    }

    /** The camera's input if the policy accepts it; else an {@link IngestException} saying why and what allows it. */
    public CameraUrl check(String cameraId, String url, Origin origin) {
        return check(cameraId, url, RtspTransport.TCP, origin);
    }

    /**
     * As {@link #check(String, String, Origin)}; an RTSP camera tunnelled in HTTP ({@link RtspTransport#HTTP}) sends
     * HTTP requests to its host, so it meets the host rule of http cameras.
     */
    public CameraUrl check(String cameraId, String url, RtspTransport transport, Origin origin) {
        CameraUrl u;
        try {
            u = CameraUrl.parse(url);
        } catch (IngestException e) {
            throw new IngestException("camera " + cameraId + ": " + e.getMessage());
        }
        if (u.isFile()) {
            if (origin == Origin.API) {
                checkApiFile(cameraId, u);
            }
            return u;
        }
        if (!schemes.contains(u.scheme())) {
            throw new IngestException("camera " + cameraId + ": url " + u.url() + ": scheme '" + u.scheme()
                    + "' is not allowed (allowed: " + String.join(", ", sorted(schemes)) + "); set " + SCHEMES_KEY
                    + " to allow it, e.g. " + SCHEMES_KEY + "=" + String.join(",", sorted(schemes)) + ","
                    + u.scheme());
        }
        boolean httpTunnel = u.scheme().startsWith("rtsp") && transport == RtspTransport.HTTP;
        if ((!u.scheme().startsWith("rtsp") || httpTunnel) && !allowLocalHosts) {
            String local = localAddress(u.host());
            if (local != null) {
                throw new IngestException("camera " + cameraId + ": url " + u.url() + ": host " + u.host() + " is "
                        + local + ", where this machine's own services answer; set " + LOCAL_HOSTS_KEY
                        + "=true to allow " + (httpTunnel ? "RTSP cameras tunnelled in HTTP (transport http)"
                        : u.scheme() + " cameras") + " there");
            }
        }
        return u;
    }

    private void checkApiFile(String cameraId, CameraUrl u) {
        if (fileDirs.isEmpty()) {
            throw new IngestException("camera " + cameraId + ": url " + u.url() + ": local files are not accepted"
                    + " through the control API (expected an " + String.join(" or ", sorted(schemes))
                    + " URL); set " + FILE_DIRS_KEY + " to directories whose videos may be cameras");
        }
        Path real;
        try {
            real = u.file().toRealPath();
        } catch (IOException e) {
            throw new IngestException("camera " + cameraId + ": url " + u.url() + ": expected a video file under "
                    + FILE_DIRS_KEY + " " + fileDirs + ", found no such file");
        }
        for (Path dir : fileDirs) {
            Path realDir;
            try {
                realDir = dir.toRealPath();
            } catch (IOException e) {
                continue;
            }
            if (real.startsWith(realDir) && !real.equals(realDir) && Files.isRegularFile(real)) {
                return;
            }
        }
        throw new IngestException("camera " + cameraId + ": url " + u.url() + ": expected a video file under "
                + FILE_DIRS_KEY + " " + fileDirs + ", found " + real + (Files.isRegularFile(real) ? ""
                : " (not a regular file)") + "; add its directory to " + FILE_DIRS_KEY + " to allow it");
    }

    /**
     * Why the host is local ("loopback", ...), or null when it is not. A host that does not resolve here counts as
     * local: the C resolver ffmpeg uses reads forms Java does not ({@code 0x7f.1}, {@code 017700000001}), and a
     * name that resolves later cannot be checked now.
     */
    static String localAddress(String host) {
        if (host == null) {
            return "missing (no host to check)";
        }
        InetAddress[] all;
        try {
            all = InetAddress.getAllByName(host);
        } catch (UnknownHostException | SecurityException e) {
            return "not resolvable here, so not known to be remote";
        }
        for (InetAddress a : all) {
            if (a.isLoopbackAddress()) {
                return "loopback (" + a.getHostAddress() + ")";
            }
            if (a.isLinkLocalAddress()) {
                return "link-local (" + a.getHostAddress() + ")";
            }
            if (a.isAnyLocalAddress()) {
                return "the unspecified address (" + a.getHostAddress() + ")";
            }
        }
        return null;
    }

    private static List<String> sorted(Set<String> s) {
        return CameraUrl.SCHEMES.stream().filter(s::contains).toList();
    }
}
