package io.yolostream.sinks.dlq;

import io.yolostream.sinks.config.SinksConfig;
import io.yolostream.sinks.topology.SinksTopology;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A bad record is one log line of ours (where from, where to, why), not a stack trace. */
class DlqLogTest {
    @Test
    void eachBadRecordIsOneLineWithoutAStackTrace() {
        Logger ours = Logger.getLogger(DlqHandler.class.getName());
        List<LogRecord> records = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public synchronized void publish(LogRecord r) {
                records.add(r);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        ours.addHandler(capture);
        try {
            SinksConfig c = SinksConfig.of("subscribe", "dog");
            Properties p = SinksTopology.streamsProperties(c, 0, null);
            p.put("bootstrap.servers", "dummy:9092");
            p.put("processing.guarantee", "at_least_once");
            try (TopologyTestDriver d = new TopologyTestDriver(SinksTopology.buildTopology(c), p)) {
                var in = d.createInputTopic(c.detectionsTopic(), new StringSerializer(), new ByteArraySerializer());
                in.pipeInput(new TestRecord<>("cam1", "not avro\nat all".getBytes(StandardCharsets.UTF_8),
                        Instant.ofEpochMilli(1)));
                in.pipeInput(new TestRecord<>("cam2", new byte[] {(byte) 0xC3, 0x01, 1, 2, 3, 4, 5, 6, 7, 8},
                        Instant.ofEpochMilli(2)));
            }
        } finally {
            ours.removeHandler(capture);
        }
        SinksConfig c = SinksConfig.of("subscribe", "dog");
        List<String> warnings = records.stream().filter(r -> r.getLevel() == Level.WARNING).map(r -> {
            assertNull(r.getThrown(), "no stack trace");
            return r.getMessage();
        }).toList();
        assertEquals(2, warnings.size(), "one line per bad record: " + warnings);
        for (String w : warnings) {
            assertFalse(w.contains("\n"), "one line: " + w);
            assertTrue(w.contains(" sent to " + c.dlqTopic() + ": " + c.detectionsTopic()
                    + ": expected an Avro single-object Detection"), w);
        }
        assertTrue(warnings.get(0).startsWith("unreadable record " + c.detectionsTopic() + "/0/0 (key 4 bytes)"),
                warnings.get(0));
        assertTrue(warnings.get(1).contains("with schema fingerprint"), warnings.get(1));
    }

}
