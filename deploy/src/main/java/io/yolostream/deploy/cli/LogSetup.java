package io.yolostream.deploy.cli;

import io.yolostream.config.UrlMasker;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * One-line log records on stderr for the whole process (System.Logger, java.util.logging and, through
 * slf4j-jdk14, Kafka), with camera credentials masked in every line, including exception texts. A user's own
 * {@code java.util.logging.config.file} wins.
 */
final class LogSetup {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");
    // java.util.logging holds loggers weakly: keep the one whose level we set, or the setting is lost
    private static final Logger KAFKA = Logger.getLogger("org.apache.kafka");
    /**
     * Kafka Streams warns with a full stack trace for every record a deserialization handler skips; the sinks' DLQ
     * handler logs one line per such record instead (where from, where to, why).
     */
    static final Logger STREAMS_SKIPPED_RECORDS =
            Logger.getLogger("org.apache.kafka.streams.processor.internals.RecordDeserializer");

    private LogSetup() {
    }

    static void install() {
        if (System.getProperty("java.util.logging.config.file") != null
                || System.getProperty("java.util.logging.config.class") != null) {
            return;
        }
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        Handler h = new ConsoleHandler();
        h.setFormatter(new MaskingFormatter());
        h.setFilter(LogSetup::shown);
        h.setLevel(Level.ALL);
        root.addHandler(h);
        root.setLevel(Level.INFO);
        // Kafka clients are chatty at INFO (every config dump); keep their warnings
        KAFKA.setLevel(Level.WARNING);
        STREAMS_SKIPPED_RECORDS.setLevel(Level.SEVERE);
    }

    /**
     * Kafka Streams 4.4 opens the stores already on disk once while it starts, ignoring
     * {@code enable.transactional.statestores}: a task that never had a record (no committed offset yet) gets two
     * warnings that it is "corrupted" and will be wiped, though the stream thread then opens it without complaint.
     * Those two lines are dropped; what the sinks restore is logged by the sinks in one line.
     */
    static boolean shown(LogRecord r) {
        String message = r.getMessage();
        return message == null || r.getLevel().intValue() > Level.WARNING.intValue()
                || !(message.startsWith("Failed to register startup state stores for task")
                || message.contains("did not find checkpoint offsets while stores are not empty"));
    }

    /** "12:00:01.234 INFO  CameraWorker: message" with URLs' credentials masked. */
    static final class MaskingFormatter extends Formatter {
        @Override
        public String format(LogRecord r) {
            StringBuilder sb = new StringBuilder();
            sb.append(LocalTime.now().format(TIME)).append(' ')
                    .append(String.format("%-5s", r.getLevel().getName().replace("WARNING", "WARN")
                            .replace("SEVERE", "ERROR"))).append(' ');
            String logger = r.getLoggerName() == null ? "" : r.getLoggerName();
            sb.append(logger.substring(logger.lastIndexOf('.') + 1)).append(": ").append(plainMessage(r));
            if (r.getThrown() != null) {
                StringWriter sw = new StringWriter();
                r.getThrown().printStackTrace(new PrintWriter(sw));
                sb.append('\n').append(sw);
            }
            return UrlMasker.maskAll(sb.toString().stripTrailing()) + System.lineSeparator();
        }

        /**
         * The message with its {0}-style parameters (System.Logger, java.util.logging callers) filled in, numbers as
         * they are: MessageFormat would group their digits by the locale ("HTTP on port 9,183").
         */
        private String plainMessage(LogRecord r) {
            Object[] params = r.getParameters();
            if (params == null || params.length == 0) {
                return formatMessage(r);
            }
            Object[] plain = params.clone();
            for (int i = 0; i < plain.length; i++) {
                if (plain[i] instanceof Number n) {
                    plain[i] = String.valueOf(n);
                }
            }
            LogRecord copy = new LogRecord(r.getLevel(), r.getMessage());
            copy.setParameters(plain);
            copy.setResourceBundle(r.getResourceBundle());
            copy.setResourceBundleName(r.getResourceBundleName());
            return formatMessage(copy);
        }
    }
}
