package io.yolostream.sinks.service;

import io.yolostream.detector.avro.Detection;
import io.yolostream.kafka.embedded.EmbeddedKafka;
import io.yolostream.sinks.common.SinksSerdes;
import io.yolostream.sinks.config.SinksConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A sinks service on the shared embedded broker, with topics of its own, and a transactional detections writer. */
public final class ServiceFixture {
    public final EmbeddedKafka kafka = EmbeddedKafka.shared();
    public final String detections;
    public final String prefix;

    public ServiceFixture(String name, int partitions) {
        detections = kafka.uniqueTopic(name);
        prefix = detections + "-out";
        kafka.createTopic(detections, partitions, Map.of());
    }

    /** Flags for a service on these topics: HTTP on a free port, its own application id and state dir. */
    public SinksConfig config(String... more) {
        List<String> kv = new ArrayList<>(List.of("bootstrap-servers", kafka.bootstrapServers(),
                "detections-topic", detections, "topic-prefix", prefix, "counts-topic", prefix + ".counts",
                "json-topic", prefix + ".json", "health-topic", prefix + ".health", "dlq-topic", prefix + ".dlq",
                "frames-topic", detections + ".frames", "annotated-topic", prefix + ".annotated",
                "tracks-topic", prefix + ".tracks", "events-topic", prefix + ".events",
                "tracks-json-topic", prefix + ".tracks.json", "events-json-topic", prefix + ".events.json",
                "zones-topic", prefix + ".zones",
                "application-id", "sinks-it-" + UUID.randomUUID().toString().substring(0, 8), "http-port", "0",
                "http-host", "127.0.0.1", "advertised-host", "127.0.0.1", "state-dir", tempDir()));
        kv.addAll(List.of(more));
        return SinksConfig.of(kv.toArray(String[]::new));
    }

    private static String tempDir() {
        try {
            return Files.createTempDirectory("sinks-it-state").toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes raw values (null key = the record's camera) in one transaction, as the detector does. */
    public void writeTransactionally(List<ProducerRecord<String, byte[]>> records) {
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "sinks-it-writer-" + UUID.randomUUID(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            p.initTransactions();
            p.beginTransaction();
            records.forEach(p::send);
            p.commitTransaction();
        }
    }

    public ProducerRecord<String, byte[]> record(Detection d) {
        return new ProducerRecord<>(detections, null, d.getCaptureTime().toEpochMilli(), d.getCameraId(),
                SinksSerdes.detection().serializer().serialize(detections, d));
    }

    public static HttpResponse<byte[]> getBytes(int port, String path) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + path)).build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A request with a body (PUT, DELETE), with these headers (name, value, ...). */
    public static HttpResponse<String> send(int port, String method, String path, String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static HttpResponse<String> get(int port, String path) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + path)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
