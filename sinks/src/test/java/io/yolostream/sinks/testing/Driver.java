package io.yolostream.sinks.testing;

import io.yolostream.detector.avro.Detection;
import io.yolostream.sinks.common.AvroSerde;
import io.yolostream.sinks.common.SinksSerdes;
import io.yolostream.sinks.config.SinksConfig;
import io.yolostream.sinks.topology.SinksTopology;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

/** A TopologyTestDriver with the service's Streams properties (exactly-once v2, DLQ handler). */
public final class Driver implements AutoCloseable {
    public final TopologyTestDriver driver;
    public final List<String> dlqReasons = new CopyOnWriteArrayList<>();
    private final TestInputTopic<String, byte[]> input;

    public Driver(SinksConfig c, Topology topology) {
        Properties p = SinksTopology.streamsProperties(c, 0, dlqReasons::add);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "dummy:9092");
        try {
            p.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("sinks-ttd").toString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        if (!StreamsConfig.EXACTLY_ONCE_V2.equals(p.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG))) {
            throw new AssertionError("expected exactly_once_v2");
        }
        driver = new TopologyTestDriver(topology, p);
        input = driver.createInputTopic(c.detectionsTopic(), new StringSerializer(), new ByteArraySerializer());
    }

    public void send(Detection d) {
        input.pipeInput(new TestRecord<>(d.getCameraId(), SinksSerdes.detection().serializer().serialize("t", d),
                d.getCaptureTime()));
    }

    public void sendRaw(String key, byte[] value, long timestamp) {
        input.pipeInput(new TestRecord<>(key, value, Instant.ofEpochMilli(timestamp)));
    }

    public <V> TestOutputTopic<String, V> output(String topic, AvroSerde<V> serde) {
        return driver.createOutputTopic(topic, new StringDeserializer(), serde.deserializer());
    }

    public TestOutputTopic<String, byte[]> rawOutput(String topic) {
        return driver.createOutputTopic(topic, new StringDeserializer(), Serdes.ByteArray().deserializer());
    }

    public static Path tempDir() {
        try {
            return Files.createTempDirectory("sinks-test");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        driver.close();
    }
}
