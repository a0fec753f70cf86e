package io.yolostream.deploy.bench;

import io.yolostream.ingest.avro.Frame;
import io.yolostream.ingest.avro.FrameCodec;
import io.yolostream.ingest.avro.ImageEncoding;
import io.yolostream.ingest.avro.SourceKind;
import io.yolostream.ingest.source.EncodedFrame;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Several virtual live cameras publishing the clip's frames to the frames topic, as ingest's publisher would (key =
 * camera id, single-object Avro, header {@code yolostream.type=frame}, record timestamp = capture time), from one
 * thread: paced at {@code fps} per camera (cameras staggered evenly within a frame interval) or, at max rate, as
 * fast as the producer takes them. Each frame is stamped {@code LIVE} with capture time = the moment it is handed
 * to the producer, so capture → detection latency covers Kafka in, queueing, the detector and Kafka out.
 * Camera {@code c} starts at a different place in the clip so that batches mix different images.
 */
final class VirtualCameras implements AutoCloseable {
    private final List<EncodedFrame> clip;
    private final List<String> cameras;
    private final String topic;
    private final int perCamera;
    private final double fps;
    private final KafkaProducer<String, byte[]> producer;
    private final AtomicLong published = new AtomicLong();
    private final AtomicReference<Exception> sendError = new AtomicReference<>();
    private final Thread thread;
    private volatile long firstPublishMillis;

    /** @param fps frames per second per camera; 0 or less = as fast as possible */
    VirtualCameras(String bootstrap, String topic, List<EncodedFrame> clip, List<String> cameras, int perCamera,
                   double fps) {
        this.clip = clip;
        this.cameras = cameras;
        this.topic = topic;
        this.perCamera = perCamera;
        this.fps = fps;
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 0, ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 << 20),
                new StringSerializer(), new ByteArraySerializer());
        this.thread = new Thread(this::publishAll, "bench-cameras");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    int total() {
        return perCamera * cameras.size();
    }

    long published() {
        return published.get();
    }

    long firstPublishMillis() {
        return firstPublishMillis;
    }

    /** The first failed send or publisher error, or null. */
    Exception error() {
        return sendError.get();
    }

    private void publishAll() {
        try {
            long start = System.nanoTime();
            firstPublishMillis = System.currentTimeMillis();
            double intervalNanos = fps > 0 ? 1e9 / fps : 0;
            for (int seq = 0; seq < perCamera; seq++) {
                for (int c = 0; c < cameras.size(); c++) {
                    if (intervalNanos > 0) {
                        long due = start + (long) (intervalNanos * (seq + (double) c / cameras.size()));
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                        }
                    }
                    send(cameras.get(c), seq, clip.get((seq + c * clip.size() / cameras.size()) % clip.size()));
                }
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            sendError.compareAndSet(null, e);
        }
    }

    private void send(String camera, long seq, EncodedFrame f) {
        long now = System.currentTimeMillis();
        Frame frame = Frame.newBuilder().setCameraId(camera).setSequence(seq).setCaptureTime(Instant.ofEpochMilli(now))
                .setPtsMicros(f.ptsMicros()).setSource(SourceKind.LIVE).setSessionId("bench-" + camera)
                .setWidth(f.width()).setHeight(f.height()).setEncoding(ImageEncoding.JPEG)
                .setImage(ByteBuffer.wrap(f.jpeg())).build();
        ProducerRecord<String, byte[]> r = new ProducerRecord<>(topic, null, now, camera, FrameCodec.encode(frame));
        r.headers().add(FrameCodec.TYPE_HEADER, FrameCodec.TYPE_FRAME_BYTES);
        producer.send(r, (md, e) -> {
            if (e != null) {
                sendError.compareAndSet(null, e);
            }
        });
        published.incrementAndGet();
    }

    @Override
    public void close() {
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(java.time.Duration.ofSeconds(5));
    }
}
