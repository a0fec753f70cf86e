package io.yolostream.kafka.embedded;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The runtime embedded broker: transactions on one node, and a restart on the same data dir resumes it. */
class EmbeddedKafkaTest {

    @Test
    void committedTransactionsSurviveARestartOnTheSameDirAndPort(@TempDir Path dir) throws Exception {
        String bootstrap;
        try (EmbeddedKafka kafka = new EmbeddedKafka(dir, 0, Map.of())) {
            bootstrap = kafka.bootstrapServers();
            kafka.createTopic("t", 2, Map.of());
            kafka.createTopic("t", 2, Map.of()); // exists: no error
            try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tx-1"), new StringSerializer(), new StringSerializer())) {
                p.initTransactions();
                p.beginTransaction();
                p.send(new ProducerRecord<>("t", 0, "k", "aborted"));
                p.abortTransaction();
                p.beginTransaction();
                p.send(new ProducerRecord<>("t", 0, "k", "committed"));
                p.commitTransaction();
            }
            assertEquals(List.of("committed"), readCommitted(bootstrap, 1));
        }
        assertTrue(Files.exists(dir.resolve("log").resolve("meta.properties")), "close keeps a given data dir");
        try (EmbeddedKafka again = new EmbeddedKafka(dir, 0, Map.of())) {
            assertEquals(bootstrap, again.bootstrapServers(), "port 0 reuses the dir's last port");
            assertEquals(List.of("committed"), readCommitted(bootstrap, 1));
            again.stop();
            assertFalse(again.isRunning());
            again.start();
            assertEquals(List.of("committed"), readCommitted(bootstrap, 1));
        }
    }

    @Test
    void temporaryBrokerDeletesItsDir() {
        Path dir;
        try (EmbeddedKafka kafka = EmbeddedKafka.temporary()) {
            dir = kafka.dataDir();
            assertTrue(kafka.isRunning());
            assertTrue(Files.isDirectory(dir));
        }
        assertFalse(Files.exists(dir));
    }

    private static List<String> readCommitted(String bootstrap, int expected) {
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> parts = List.of(new TopicPartition("t", 0), new TopicPartition("t", 1));
            c.assign(parts);
            c.seekToBeginning(parts);
            List<String> values = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
            }
            return values;
        }
    }
}
