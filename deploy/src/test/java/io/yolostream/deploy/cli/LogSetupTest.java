package io.yolostream.deploy.cli;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogSetupTest {
    @Test
    void portsAndCountsArePrintedWithoutAThousandsSeparator() {
        LogSetup.MaskingFormatter f = new LogSetup.MaskingFormatter();
        // what System.Logger and java.util.logging callers hand over: MessageFormat would print 9,183
        LogRecord jul = new LogRecord(Level.INFO, "sinks HTTP on port {0}, {1} records in {2} ms");
        jul.setLoggerName("io.yolostream.sinks.service.SinksService");
        jul.setParameters(new Object[] {9183, 1234567L, 2.5});
        String line = f.format(jul);
        assertTrue(line.contains("SinksService: sinks HTTP on port 9183, 1234567 records in 2.5 ms"), line);

        // and the SLF4J path every module logs through (slf4j-jdk14), through the handler LogSetup installs
        LogSetup.install();
        List<String> lines = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                lines.add(f.format(r));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger root = Logger.getLogger("");
        root.addHandler(capture);
        try {
            org.slf4j.LoggerFactory.getLogger("io.yolostream.sinks.service.SinksService")
                    .info("sinks reading {}, HTTP on port {}", "detections", 9183);
        } finally {
            root.removeHandler(capture);
        }
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).contains("INFO  SinksService: sinks reading detections, HTTP on port 9183"),
                lines.get(0));
    }

    @Test
    void kafkaStreamsStartupWarningsAboutEmptyTasksAreDroppedOthersKept() {
        LogRecord startup = new LogRecord(Level.WARNING, "Failed to register startup state stores for task 0_4: Tasks"
                + " [0_4] are corrupted and hence need to be re-initialized");
        LogRecord store = new LogRecord(Level.WARNING, "stream-client [x] State store counts did not find checkpoint"
                + " offsets while stores are not empty, since under EOS it has the risk of getting uncommitted data");
        LogRecord other = new LogRecord(Level.WARNING, "Using an OS temp directory in the state.dir property");
        LogRecord error = new LogRecord(Level.SEVERE, "Failed to register startup state stores for task 0_4: boom");
        assertFalse(LogSetup.shown(startup));
        assertFalse(LogSetup.shown(store));
        assertTrue(LogSetup.shown(other));
        assertTrue(LogSetup.shown(error), "errors are never dropped");
    }

    @Test
    void aRecordTheSinksSkipIsOneLineOfTheirsNotKafkaStreamsStackTrace() {
        LogSetup.install();
        assertFalse(Logger.getLogger("org.apache.kafka.streams.processor.internals.RecordDeserializer")
                .isLoggable(Level.WARNING), "Kafka Streams' warning with a stack trace per skipped record");
        assertTrue(Logger.getLogger("io.yolostream.sinks.dlq.DlqHandler").isLoggable(Level.WARNING),
                "the DLQ handler's line");
        LogRecord r = new LogRecord(Level.WARNING, "unreadable record detections/0/7 (key 3 bytes) sent to"
                + " detections.dlq: detections: expected an Avro single-object Detection");
        r.setLoggerName("io.yolostream.sinks.dlq.DlqHandler");
        String line = new LogSetup.MaskingFormatter().format(r);
        assertEquals(1, line.lines().count(), line);
        assertTrue(line.contains("WARN  DlqHandler: unreadable record detections/0/7"), line);
    }
}
