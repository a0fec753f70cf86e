package io.yolostream.ingest.source;

import io.yolostream.config.UrlMasker;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.bytedeco.ffmpeg.global.avutil.av_strerror;

/** Turns JavaCV's FFmpeg exceptions into what ffmpeg said ("Connection refused", "Invalid data found ..."). */
final class FfmpegErrors {
    // JavaCV: "avformat_open_input() error -111: Could not open input \"...\". (Has setFormat() been called?)"
    private static final Pattern CALL_AND_CODE = Pattern.compile("(\\w+)\\(\\) error (-?\\d+)");
    private static final String JAVACV_HINT = " (For more details, make sure FFmpegLogCallback.set() has been called.)";

    private FfmpegErrors() {
    }

    /** ffmpeg's text for an AVERROR code. */
    static String text(int code) {
        byte[] buf = new byte[256];
        if (av_strerror(code, buf, buf.length) < 0) {
            return "error " + code;
        }
        int len = 0;
        while (len < buf.length && buf[len] != 0) {
            len++;
        }
        return new String(buf, 0, len, java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * Whether ffmpeg failed with "Protocol not supported" (EPROTONOSUPPORT): what its RTSP demuxer returns when the
     * server answered 461 Unsupported transport to every transport it was allowed to ask for.
     */
    static boolean isProtocolNotSupported(Throwable e) {
        Matcher m = CALL_AND_CODE.matcher(String.valueOf(e.getMessage()));
        return m.find() && text(Integer.parseInt(m.group(2))).equals("Protocol not supported");
    }

    /** A one-line, credential-free description: ffmpeg's own words first, then the failing call and code. */
    static String describe(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        message = message.replace(JAVACV_HINT, "").replace(" (Has setFormat() been called?)", "");
        Matcher m = CALL_AND_CODE.matcher(message);
        if (m.find()) {
            int code = Integer.parseInt(m.group(2));
            return UrlMasker.maskAll(text(code) + " (" + m.group(1) + "() error " + code + ")");
        }
        return UrlMasker.maskAll(message);
    }
}
