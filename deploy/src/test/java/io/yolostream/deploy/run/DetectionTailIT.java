package io.yolostream.deploy.run;

import io.yolostream.detector.avro.Detection;
import io.yolostream.detector.avro.DetectionStatus;
import io.yolostream.detector.avro.FrameSource;
import io.yolostream.detector.avro.Timings;
import io.yolostream.detector.schema.DetectionCodec;
import io.yolostream.kafka.embedded.EmbeddedKafka;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The `run` console's thread follows the detections topic through garbage: it skips, says so, and goes on. */
class DetectionTailIT {
    private static Detection detection(String camera, long sequence) {
        return Detection.newBuilder().setCameraId(camera).setSequence(sequence)
                .setCaptureTime(Instant.ofEpochMilli(1_000)).setDetectTime(Instant.ofEpochMilli(1_005))
                .setSource(FrameSource.LIVE).setSessionId("s").setStatus(DetectionStatus.OK).setReason(null)
                .setModelId("m@0").setInputWidth(64).setInputHeight(64).setBatchSize(1).setImageWidth(64)
                .setImageHeight(64).setObjects(List.of()).setTimings(new Timings(0f, 0f, 0f, 0f, 0f))
                .setFramePartition(0).setFrameOffset(sequence).build();
    }

    @Test
    void garbageInTheDetectionsTopicIsSkippedAndTheConsoleGoesOn() throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.shared();
        String topic = kafka.uniqueTopic("detections-garbage");
        List<Detection> printed = new CopyOnWriteArrayList<>();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer());
             DetectionTail tail = new DetectionTail(kafka.bootstrapServers(), topic, d -> {
                 if (d.getCameraId().equals("boom")) {
                     throw new IllegalStateException("the printer choked");
                 }
                 printed.add(d);
             })) {
            // the tail starts at the end of the topic: wait until it sees a record sent now
            long[] warmup = {0};
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                producer.send(new ProducerRecord<>(topic, "warmup", DetectionCodec.encode(detection("warmup",
                        warmup[0]++)))).get();
                return !printed.isEmpty();
            });
            byte[] valid = DetectionCodec.encode(detection("cam", 1));
            List<byte[]> garbage = List.of("not avro at all".getBytes(StandardCharsets.UTF_8), new byte[0],
                    new byte[] {(byte) 0xC3, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 0},        // an unknown fingerprint
                    Arrays.copyOf(valid, valid.length - 7));                             // truncated
            producer.send(new ProducerRecord<>(topic, "cam", (byte[]) null)).get();    // a null value
            for (byte[] g : garbage) {
                producer.send(new ProducerRecord<>(topic, "cam", g)).get();
            }
            producer.send(new ProducerRecord<>(topic, "boom", DetectionCodec.encode(detection("boom", 1)))).get();
            producer.send(new ProducerRecord<>(topic, "cam", valid)).get();
            producer.send(new ProducerRecord<>(topic, "cam", DetectionCodec.encode(detection("cam", 2)))).get();

            await().atMost(Duration.ofSeconds(60)).until(() -> printed.stream()
                    .filter(d -> d.getCameraId().equals("cam")).count() == 2);
            assertEquals(List.of(1L, 2L), printed.stream().filter(d -> d.getCameraId().equals("cam"))
                    .map(Detection::getSequence).toList());
            assertEquals(garbage.size() + 2, tail.skipped(), "null + garbage + the record the printer choked on");
            assertTrue(tail.isRunning(), "the console's thread is alive");
            assertEquals(2, tail.figures().get("cam").records);
        }
    }
}
