package io.yolostream.kafka.embedded;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmbeddedKafkaIT {

    @Test
    void sharedBrokerIsOnePerJvmAndTopicsAreUnique() throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.shared();
        assertSame(kafka, EmbeddedKafka.shared());
        String a = kafka.uniqueTopic("t");
        String b = kafka.uniqueTopic("t");
        assertFalse(a.equals(b));
        kafka.createTopic(a, 2, Map.of("max.message.bytes", "2000000"));
        send(kafka.bootstrapServers(), a, "cam-1", "hello");
        List<ConsumerRecord<String, byte[]>> records = kafka.readAll(a);
        assertEquals(1, records.size());
        assertEquals("cam-1", records.get(0).key());
        assertEquals("hello", new String(records.get(0).value(), StandardCharsets.UTF_8));
    }

    @Test
    void restartKeepsPortAndData() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.temporary()) {
            String topic = kafka.uniqueTopic("restart");
            kafka.createTopic(topic, 1, Map.of());
            String bootstrap = kafka.bootstrapServers();
            send(bootstrap, topic, "k", "before");
            kafka.stop();
            assertFalse(kafka.isRunning());
            kafka.start();
            assertTrue(kafka.isRunning());
            assertEquals(bootstrap, kafka.bootstrapServers());
            send(bootstrap, topic, "k", "after");
            List<ConsumerRecord<String, byte[]>> records = kafka.readAll(topic);
            assertEquals(List.of("before", "after"),
                    records.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList());
        }
    }

    @Test
    void transactionsWorkOnTheSingleNode() throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.shared();
        String topic = kafka.uniqueTopic("tx");
        kafka.createTopic(topic, 1, Map.of());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, topic + "-tx"),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k", "aborted".getBytes(StandardCharsets.UTF_8)));
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k", "committed".getBytes(StandardCharsets.UTF_8)));
            producer.commitTransaction();
        }
        // commitTransaction returns before the commit markers are written: wait for the record to become visible
        // (an aborted record, if it leaked, would come first, at offset 0)
        List<ConsumerRecord<String, byte[]>> records = EmbeddedKafkaReader.readUntil(kafka.bootstrapServers(), topic,
                r -> !r.isEmpty(), java.time.Duration.ofSeconds(30));
        assertEquals(List.of("committed"),
                records.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList(),
                "read_committed skips the aborted record");
    }

    private static void send(String bootstrap, String topic, String key, String value) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, key, value.getBytes(StandardCharsets.UTF_8)))
                    .get(30, TimeUnit.SECONDS);
        }
    }
}
