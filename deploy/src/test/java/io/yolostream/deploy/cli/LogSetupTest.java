package io.yolostream.deploy.cli;

import org.junit.jupiter.api.Test;

import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogSetupTest {
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
