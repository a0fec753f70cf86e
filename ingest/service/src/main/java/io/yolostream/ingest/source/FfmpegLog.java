package io.yolostream.ingest.source;

import io.yolostream.config.UrlMasker;
import org.bytedeco.ffmpeg.avutil.LogCallback;
import org.bytedeco.javacpp.BytePointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_ERROR;
import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_FATAL;
import static org.bytedeco.ffmpeg.global.avutil.av_log_set_level;
import static org.bytedeco.ffmpeg.global.avutil.setLogCallback;

/**
 * Routes ffmpeg's own log (by default printed straight to the process's stderr, past every log configuration) into
 * the SLF4J logger {@code ffmpeg}: errors only, credentials masked. A camera retrying a failing connect,
 * or sending garbage the decoder complains about frame after frame, repeats the same lines: a line seen in the last
 * minute goes to DEBUG, and at most {@value #MAX_PER_SECOND} lines a second are logged at all.
 */
final class FfmpegLog extends LogCallback {
    private static final Logger LOG = LoggerFactory.getLogger("ffmpeg");
    private static final int MAX_PER_SECOND = 20;
    private static final long REPEAT_WINDOW_NANOS = 60_000_000_000L;
    private static FfmpegLog installed;

    private final Map<String, Long> recent = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > 256;
        }
    };
    private long windowSecond;
    private int inWindow;
    private long suppressed;

    private FfmpegLog() {
    }

    /** Installs the bridge once per JVM (ffmpeg's log callback is process-wide). */
    static synchronized void install() {
        if (installed == null) {
            installed = new FfmpegLog();
            installed.retainReference(); // native code holds the callback for the life of the process
            av_log_set_level(AV_LOG_ERROR);
            setLogCallback(installed);
        }
    }

    @Override
    public void call(int level, BytePointer msg) {
        String text = msg == null ? "" : UrlMasker.maskAll(msg.getString().strip());
        if (text.isEmpty()) {
            return;
        }
        Level logLevel = level <= AV_LOG_FATAL ? Level.ERROR : Level.WARN;
        String line = admit(text);
        if (line == null) {
            return;
        }
        if (line.isEmpty()) {
            LOG.debug(text);
        } else {
            LOG.atLevel(logLevel).log(line);
        }
    }

    /** Null: over the rate, dropped. Empty: a repeat, for FINE. Otherwise the line to log, with a dropped count. */
    private synchronized String admit(String text) {
        long now = System.nanoTime();
        long second = now / 1_000_000_000L;
        if (second != windowSecond) {
            windowSecond = second;
            inWindow = 0;
        }
        if (++inWindow > MAX_PER_SECOND) {
            suppressed++;
            return null;
        }
        // "[rtsp @ 0x7f...] method DESCRIBE failed": the context address differs on every retry
        String key = text.replaceAll("@ 0x[0-9a-f]+", "@");
        Long last = recent.get(key);
        if (last != null && now - last < REPEAT_WINDOW_NANOS) {
            return "";
        }
        recent.put(key, now);
        String prefix = suppressed == 0 ? "" : "(" + suppressed + " ffmpeg messages dropped) ";
        suppressed = 0;
        return prefix + text;
    }
}
