package io.yolostream.sinks.zones;

import io.yolostream.sinks.avro.ZoneDefinition;
import io.yolostream.sinks.common.SinksException;
import io.yolostream.sinks.common.SinksSerdes;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Writes zones to the compacted zones topic (key {@code <camera>/<id>}, a tombstone deletes), waiting for each write
 * to be acknowledged by all in-sync replicas. Thread-safe.
 */
public final class ZoneWriter implements AutoCloseable {
    private final KafkaProducer<String, byte[]> producer;
    private final String topic;

    public ZoneWriter(String bootstrapServers, Map<String, Object> overrides, String topic) {
        Map<String, Object> p = new HashMap<>();
        // the kafka.* overrides carry security settings (SASL, TLS); Streams-only keys are ignored with a warning
        overrides.forEach((k, v) -> {
            if (k.startsWith("security.") || k.startsWith("ssl.") || k.startsWith("sasl.")) {
                p.put(k, v);
            }
        });
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "yolostream-sinks-zones");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        this.topic = topic;
    }

    public void put(ZoneSpec z, String origin) {
        ZoneDefinition d = ZoneCodec.toRecord(z, Instant.now(), origin);
        send(new ProducerRecord<>(topic, z.key(), SinksSerdes.zoneDefinition().serializer().serialize(topic, d)));
    }

    public void putAll(List<ZoneSpec> zones, String origin) {
        zones.forEach(z -> put(z, origin));
    }

    public void delete(String camera, String id) {
        send(new ProducerRecord<>(topic, ZoneSpec.key(camera, id), null));
    }

    private void send(ProducerRecord<String, byte[]> r) {
        try {
            producer.send(r).get(20, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new SinksException("zones topic " + topic + ": expected the write of " + r.key()
                    + " to be acknowledged, found " + (e.getCause() != null ? e.getCause() : e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SinksException("zones topic " + topic + ": interrupted writing " + r.key(), e);
        }
    }

    @Override
    public void close() {
        producer.close(java.time.Duration.ofSeconds(5));
    }
}
