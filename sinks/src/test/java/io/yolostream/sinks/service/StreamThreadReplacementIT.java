package io.yolostream.sinks.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.yolostream.sinks.config.SinksConfig;
import io.yolostream.sinks.testing.Fixtures;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.processor.internals.DefaultKafkaClientSupplier;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A stream thread whose transaction the broker lost (as when a broker is killed under it: the cluster test saw
 * {@code InvalidTxnStateException} on commit) is replaced, and the app goes on: still RUNNING, every detection in
 * the JSON topic exactly once, and the next detections too. The real broker runs the transactions; the test's
 * producer loses the first one with data (aborts it, then fails the commit as the broker would).
 */
class StreamThreadReplacementIT {
    /** Now: the broker's retention would delete records stamped years ago while the new thread joins. */
    private final long w0 = System.currentTimeMillis();

    private final ServiceFixture f = new ServiceFixture("thread-replace-it", 2);

    /** Stream-thread producers whose first commit with data fails after aborting its transaction. */
    private static final class LosingClients extends DefaultKafkaClientSupplier {
        final AtomicInteger lost = new AtomicInteger();

        @Override
        public Producer<byte[], byte[]> getProducer(Map<String, Object> config) {
            return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer()) {
                private boolean sent;

                @Override
                public Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
                    sent = true;
                    return super.send(record, callback);
                }

                @Override
                public void commitTransaction() {
                    if (sent && config.containsKey(ProducerConfig.TRANSACTIONAL_ID_CONFIG)
                            && lost.compareAndSet(0, 1)) {
                        super.abortTransaction();
                        throw new InvalidTxnStateException("The producer attempted a transactional operation in an"
                                + " invalid state. (test: the broker lost this transaction)");
                    }
                    super.commitTransaction();
                }
            };
        }
    }

    @Test
    void aThreadThatLostItsTransactionIsReplacedAndEveryDetectionIsWrittenOnce() throws Exception {
        SinksConfig c = f.config();
        LosingClients clients = new LosingClients();
        try (SinksService s = new SinksService(c, clients)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> s.state() == KafkaStreams.State.RUNNING);
            f.writeTransactionally(batch(0, 6));
            await().atMost(Duration.ofSeconds(60)).until(() -> s.metrics().threadsReplaced() == 1);
            assertEquals(1, clients.lost.get());
            f.writeTransactionally(batch(6, 6));

            String group = c.get(SinksConfig.APPLICATION_ID);
            List<ConsumerRecord<String, byte[]>> json = f.kafka.readSettled(group, f.detections, f.prefix + ".json");
            Set<String> seen = new TreeSet<>();
            List<String> keys = new ArrayList<>();
            ObjectMapper mapper = new ObjectMapper();
            for (ConsumerRecord<String, byte[]> r : json) {
                JsonNode d = mapper.readTree(r.value());
                String id = d.get("cameraId").asText() + "#" + d.get("sequence").asLong();
                keys.add(id);
                seen.add(id);
            }
            assertEquals(12, keys.size(), "one JSON line per detection, none twice: " + keys);
            assertEquals(12, seen.size(), keys.toString());
            // the app never stopped: it settles back to RUNNING (the dead thread's member leaves the group later)
            await().atMost(Duration.ofSeconds(90)).until(() -> s.state() == KafkaStreams.State.RUNNING);
            assertEquals(1.0, s.metrics().threadsReplaced());
            String metrics = ServiceFixture.get(s.httpPort(), "/metrics").body();
            assertTrue(metrics.contains("yolostream_sinks_threads_replaced_total 1.0"), metrics);
        }
    }

    /** {@code n} detections from {@code from} on, over two cameras. */
    private List<ProducerRecord<String, byte[]>> batch(int from, int n) {
        List<ProducerRecord<String, byte[]>> out = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            out.add(f.record(Fixtures.detection("cam" + (i % 2), i, w0 + i * 1_000L, List.of())));
        }
        return out;
    }
}
