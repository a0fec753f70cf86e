package io.yolostream.detector.service;

import io.yolostream.detector.avro.Detection;
import io.yolostream.detector.darknet.DarknetNetwork;
import io.yolostream.detector.darknet.Fixtures;
import io.yolostream.detector.opencv.OpenCvImages;
import io.yolostream.detector.preprocess.RgbImage;
import io.yolostream.detector.schema.DetectionCodec;
import io.yolostream.ingest.avro.Frame;
import io.yolostream.ingest.avro.FrameCodec;
import io.yolostream.ingest.avro.ImageEncoding;
import io.yolostream.ingest.avro.SourceKind;
import io.yolostream.kafka.embedded.EmbeddedKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;

/** Shared pieces of the detector ITs: a tiny generated model, JPEG frames, topics and service flags. */
final class DetectTestKit {
    static final EmbeddedKafka KAFKA = EmbeddedKafka.shared();
    private static Path modelDir;

    private DetectTestKit() {
    }

    /** Tiny YOLOv2 cfg + random weights, written once per JVM. */
    static synchronized Path modelDir() {
        if (modelDir == null) {
            try {
                Path dir = Files.createTempDirectory("detect-it-model");
                Files.writeString(dir.resolve("tiny.cfg"), Fixtures.TINY_YOLOV2);
                DarknetNetwork net = Fixtures.network(Fixtures.TINY_YOLOV2);
                Files.write(dir.resolve("tiny.weights"), Fixtures.randomWeights(net, 7, 0, 2));
                modelDir = dir;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return modelDir;
    }

    /** Topics of one test: frames (created), detections and DLQ (left for the detector to create). */
    record Topics(String frames, String detections, String dlq, String group) {
        static Topics create(int partitions) {
            String frames = KAFKA.uniqueTopic("frames");
            KAFKA.createTopic(frames, partitions, Map.of());
            return new Topics(frames, frames + ".detections", frames + ".dlq", frames + ".group");
        }
    }

    /** Flags of a small, fast detector on the embedded broker. */
    static Map<String, String> flags(Topics t, String instanceId) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("bootstrap-servers", KAFKA.bootstrapServers());
        f.put("frames-topic", t.frames());
        f.put("detections-topic", t.detections());
        f.put("dlq-topic", t.dlq());
        f.put("group-id", t.group());
        f.put("instance-id", instanceId);
        f.put("model", modelDir().resolve("tiny.cfg").toString());
        f.put("weights", modelDir().resolve("tiny.weights").toString());
        f.put("device", "cpu");
        f.put("threads", "1");
        f.put("workers", "2");
        f.put("max-batch", "4");
        f.put("max-wait-ms", "30");
        f.put("ladder", "64,96,128");
        f.put("resolution", "adaptive");
        f.put("thresh", "0.05");
        f.put("http-port", "0");
        f.put("http-host", "127.0.0.1");
        f.put("startup-timeout-ms", "20000");
        return f;
    }

    static DetectConfig config(Map<String, String> flags) {
        return DetectConfig.resolve(new Properties(), Map.of(), flags);
    }

    static byte[] jpeg(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int w = 80;
        int h = 60;
        byte[] px = new byte[w * h * 3];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) rnd.nextInt(256);
        }
        return OpenCvImages.encodeJpeg(new RgbImage(w, h, px), 80);
    }

    static Frame frame(String camera, long sequence, Instant capture, SourceKind source, byte[] image) {
        return Frame.newBuilder().setCameraId(camera).setSequence(sequence).setCaptureTime(capture).setPtsMicros(-1)
                .setSource(source).setSessionId("s-" + camera).setWidth(80).setHeight(60)
                .setEncoding(ImageEncoding.JPEG).setImage(ByteBuffer.wrap(image)).build();
    }

    static KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer());
    }

    static void send(KafkaProducer<String, byte[]> p, String topic, Frame f) {
        ProducerRecord<String, byte[]> r = new ProducerRecord<>(topic, null, f.getCaptureTime().toEpochMilli(),
                f.getCameraId(), FrameCodec.encode(f));
        r.headers().add(FrameCodec.TYPE_HEADER, FrameCodec.TYPE_FRAME_BYTES);
        p.send(r);
    }

    /** {@code perCamera} live frames, now, for each camera, interleaved camera by camera. */
    static int publish(String topic, List<String> cameras, int perCamera) {
        byte[] img = jpeg(1);
        try (KafkaProducer<String, byte[]> p = producer()) {
            for (int s = 0; s < perCamera; s++) {
                for (String c : cameras) {
                    send(p, topic, frame(c, s, Instant.now(), SourceKind.LIVE, img));
                }
            }
            p.flush();
        }
        return perCamera * cameras.size();
    }

    static List<Detection> detections(List<ConsumerRecord<String, byte[]>> records) {
        return records.stream().map(r -> DetectionCodec.decode(r.value())).toList();
    }

    /**
     * The detector's settled output on {@code output} (detections or DLQ): read once its group has committed every
     * frame, so a late duplicate cannot slip past; the count is the caller's to assert.
     */
    static List<ConsumerRecord<String, byte[]>> settled(Topics t, String output) {
        return KAFKA.readSettled(t.group(), t.frames(), output);
    }
}
