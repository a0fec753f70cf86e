package io.yolostream.ingest.source;

import io.yolostream.config.Echo;
import io.yolostream.ingest.IngestException;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How an RTSP camera's media reaches us (ffmpeg's {@code rtsp_transport}): interleaved in the RTSP TCP connection
 * (the default: one connection, through NAT and firewalls), RTP over UDP (what some servers and cameras offer only),
 * multicast UDP, or RTSP tunnelled in HTTP. {@link #AUTO} tries TCP and, when the server answers
 * {@code 461 Unsupported transport}, UDP. Only RTSP URLs use it.
 */
public enum RtspTransport {
    TCP("tcp"), UDP("udp"), UDP_MULTICAST("udp_multicast"), HTTP("http"), AUTO("auto");

    /** The values as configured, in order. */
    public static final List<String> VALUES = Arrays.stream(values()).map(RtspTransport::value).toList();

    private final String value;

    RtspTransport(String value) {
        this.value = value;
    }

    /** The setting's value: tcp, udp, udp_multicast, http or auto. */
    public String value() {
        return value;
    }

    /** A configured value, case-insensitive; an {@link IngestException} lists the values otherwise. */
    public static RtspTransport parse(String text) {
        String v = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        for (RtspTransport t : values()) {
            if (t.value.equals(v)) {
                return t;
            }
        }
        throw new IngestException(problem(text));
    }

    /** Null when {@code text} is a transport, else what was expected and found. */
    public static String problem(String text) {
        String v = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        return VALUES.contains(v) ? null : "transport: expected one of " + String.join(", ", VALUES) + ", found '"
                + Echo.of(text) + "'";
    }

    @Override
    public String toString() {
        return value;
    }
}
