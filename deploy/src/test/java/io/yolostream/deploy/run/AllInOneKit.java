package io.yolostream.deploy.run;

import io.yolostream.detector.avro.Detection;
import io.yolostream.detector.darknet.DarknetCfg;
import io.yolostream.detector.darknet.DarknetNetwork;
import io.yolostream.detector.darknet.RandomWeights;
import io.yolostream.detector.schema.DetectionCodec;
import io.yolostream.detector.service.DetectionRecords;
import io.yolostream.ingest.avro.Frame;
import io.yolostream.ingest.avro.FrameCodec;
import io.yolostream.schema.AvroTrust;
import io.yolostream.sinks.avro.RoutedDetection;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** Shared pieces of the all-in-one ITs: a tiny random-weight model, topic readers (read_committed). */
final class AllInOneKit {
    /** Three classes, 64x64 input: a few milliseconds a frame on a CPU (darknet's tiny-yolo-voc, shrunk). */
    static final String TINY_CFG = """
            [net]
            width=64
            height=64
            channels=3

            [convolutional]
            batch_normalize=1
            filters=4
            size=3
            stride=1
            pad=1
            activation=leaky

            [maxpool]
            size=2
            stride=2

            [convolutional]
            batch_normalize=1
            filters=8
            size=3
            stride=1
            pad=1
            activation=leaky

            [maxpool]
            size=2
            stride=2

            [convolutional]
            batch_normalize=1
            filters=8
            size=3
            stride=2
            pad=1
            activation=leaky

            [maxpool]
            size=2
            stride=2

            [convolutional]
            size=1
            stride=1
            pad=1
            filters=16
            activation=linear

            [region]
            anchors = 1.08,1.19,  3.42,4.41
            bias_match=1
            classes=3
            coords=4
            num=2
            softmax=1
            """;
    static final List<String> LABELS = List.of("car", "dog", "person");
    /** darknet's voc.names: a model with exactly these classes gets the built-in map voc by itself. */
    static final List<String> VOC = List.of("aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car", "cat",
            "chair", "cow", "diningtable", "dog", "horse", "motorbike", "person", "pottedplant", "sheep", "sofa",
            "train", "tvmonitor");

    record Model(Path cfg, Path weights, Path names) {
        /** The model flags of {@code run}/{@code replay}, with a threshold low enough for random weights. */
        List<String> flags() {
            return List.of("--model", cfg.toString(), "--weights", weights.toString(), "--names", names.toString(),
                    "--thresh", "0.01");
        }
    }

    /** Every client config dump is INFO: keep the test log readable (held: JUL keeps loggers weakly). */
    private static final java.util.logging.Logger KAFKA_LOG = java.util.logging.Logger.getLogger("org.apache.kafka");

    static {
        KAFKA_LOG.setLevel(java.util.logging.Level.WARNING);
    }

    private AllInOneKit() {
    }

    static Model model(Path dir) {
        return model(dir, "tiny", LABELS);
    }

    /**
     * The tiny network with one class per label (2 anchors): {@code <base>.cfg}, {@code <base>.weights} (seeded
     * random) and {@code <base>.names}.
     */
    static Model model(Path dir, String base, List<String> labels) {
        try {
            Files.createDirectories(dir);
            String cfgText = TINY_CFG.replace("classes=3", "classes=" + labels.size())
                    .replace("filters=16\nactivation=linear", "filters=" + 2 * (5 + labels.size())
                            + "\nactivation=linear");
            Path cfg = Files.writeString(dir.resolve(base + ".cfg"), cfgText);
            Path names = Files.writeString(dir.resolve(base + ".names"), String.join("\n", labels) + "\n");
            Path weights = dir.resolve(base + ".weights");
            try (OutputStream os = Files.newOutputStream(weights)) {
                RandomWeights.write(DarknetNetwork.of(DarknetCfg.read(cfg)), 11, 0, 2, os);
            }
            return new Model(cfg, weights, names);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every committed record of the topic, from the beginning to its end now. */
    static List<ConsumerRecord<String, byte[]>> readAll(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 << 20);
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false"); // the services create their topics
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        p.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            for (PartitionInfo i : c.partitionsFor(topic, Duration.ofSeconds(10))) {
                parts.add(new TopicPartition(topic, i.partition()));
            }
            if (parts.isEmpty()) {
                return out;
            }
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> ends = c.endOffsets(parts, Duration.ofSeconds(10));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (parts.stream().anyMatch(tp -> c.position(tp) < ends.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("reading " + topic + ": not at its end " + ends + " within 60 s");
                }
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    /**
     * Every committed record of the topic (read_committed) up to its end offsets as they are now: polls, waiting
     * with Awaitility until the consumer's position reached them in every partition.
     */
    static List<ConsumerRecord<String, byte[]>> readCommitted(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            for (PartitionInfo i : c.partitionsFor(topic, Duration.ofSeconds(10))) {
                parts.add(new TopicPartition(topic, i.partition()));
            }
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> ends = c.endOffsets(parts, Duration.ofSeconds(10));
            org.awaitility.Awaitility.await("the end offsets " + ends + " of " + topic)
                    .atMost(Duration.ofSeconds(60)).pollInSameThread().pollInterval(Duration.ofMillis(10))
                    .until(() -> {
                        c.poll(Duration.ofMillis(200)).forEach(out::add);
                        return parts.stream().allMatch(tp -> c.position(tp) >= ends.get(tp));
                    });
        }
        return out;
    }

    static boolean isFrame(ConsumerRecord<String, byte[]> r) {
        Header h = r.headers().lastHeader(FrameCodec.TYPE_HEADER);
        return h != null && FrameCodec.TYPE_FRAME.equals(new String(h.value(), StandardCharsets.UTF_8));
    }

    static List<Frame> frames(String bootstrap) {
        return readAll(bootstrap, "frames").stream().filter(AllInOneKit::isFrame)
                .map(r -> FrameCodec.decodeFrame(r.value())).toList();
    }

    static List<Detection> detections(String bootstrap) {
        return readAll(bootstrap, "detections").stream().map(r -> DetectionCodec.decode(r.value())).toList();
    }

    static List<RoutedDetection> routed(String bootstrap, String topic) {
        AvroTrust.trustPackageOf(RoutedDetection.class);
        return readAll(bootstrap, topic).stream().map(r -> {
            try {
                return RoutedDetection.fromByteBuffer(ByteBuffer.wrap(r.value()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).toList();
    }
}
