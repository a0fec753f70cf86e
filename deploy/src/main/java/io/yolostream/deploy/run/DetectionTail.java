package io.yolostream.deploy.run;

import io.yolostream.detector.avro.DetectedObject;
import io.yolostream.detector.avro.Detection;
import io.yolostream.detector.avro.DetectionStatus;
import io.yolostream.detector.schema.DetectionCodec;
import io.yolostream.schema.AvroTrust;
import io.yolostream.schema.SchemaException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Follows the detections topic (read_committed, from now on) on its own thread and keeps per-camera figures for
 * the all-in-one status line; hands each record to a listener (the console printer).
 */
final class DetectionTail implements AutoCloseable {
    /** Per camera: records seen, objects seen, the latest record. */
    static final class CameraFigures {
        long records;
        long objects;
        Detection last;
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread thread;
    private static final Logger LOG = LoggerFactory.getLogger(DetectionTail.class);

    private final Map<String, CameraFigures> figures = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong skipped = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean running = true;

    DetectionTail(String bootstrap, String topic, Consumer<Detection> listener) {
        AvroTrust.trustPackageOf(Detection.class);
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.GROUP_ID_CONFIG, "yolostream-run-console-" + ProcessHandle.current().pid()),
                new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(topic));
        thread = new Thread(() -> {
            try {
                while (running) {
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        Detection d;
                        try {
                            d = DetectionCodec.decode(r.value());
                        } catch (SchemaException e) {
                            // a bad record must not end the console: say so and go on with the next
                            skipped.incrementAndGet();
                            LOG.warn("console: skipped an undecodable record of {} (partition {}, offset {}): {}",
                                    topic, r.partition(), r.offset(), e.getMessage());
                            continue;
                        }
                        CameraFigures f = figures.computeIfAbsent(d.getCameraId(), k -> new CameraFigures());
                        synchronized (f) {
                            f.records++;
                            f.objects += d.getStatus() == DetectionStatus.OK ? d.getObjects().size() : 0;
                            f.last = d;
                        }
                        try {
                            listener.accept(d);
                        } catch (RuntimeException e) {
                            // nor must a record the printer chokes on
                            skipped.incrementAndGet();
                            LOG.warn("console: skipped record {}#{} of {} (partition {}, offset {}) it could not"
                                    + " print: {}", d.getCameraId(), d.getSequence(), topic, r.partition(),
                                    r.offset(), e.toString());
                        }
                    }
                }
            } catch (org.apache.kafka.common.errors.WakeupException e) {
                // closing
            } finally {
                consumer.close();
            }
        }, "run-console");
        thread.setDaemon(true);
        thread.start();
    }

    /** Records that did not decode or print (each logged and skipped). */
    long skipped() {
        return skipped.get();
    }

    /** Whether the console's thread is still following the topic (it stops only on close). */
    boolean isRunning() {
        return thread.isAlive();
    }

    Map<String, CameraFigures> figures() {
        return figures;
    }

    static String describe(Detection d) {
        if (d.getStatus() != DetectionStatus.OK) {
            return d.getStatus() + (d.getReason() == null ? "" : " (" + d.getReason() + ")");
        }
        if (d.getObjects().isEmpty()) {
            return "no objects";
        }
        StringBuilder sb = new StringBuilder();
        for (DetectedObject o : d.getObjects().subList(0, Math.min(4, d.getObjects().size()))) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(o.getLabel()).append(' ').append(Math.round(o.getScore() * 100)).append('%');
        }
        if (d.getObjects().size() > 4) {
            sb.append(", +").append(d.getObjects().size() - 4);
        }
        return sb.toString();
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
