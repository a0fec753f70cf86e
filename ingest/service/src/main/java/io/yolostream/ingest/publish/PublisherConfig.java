package io.yolostream.ingest.publish;

import io.yolostream.ingest.IngestException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the {@link FramePublisher} needs. Start from {@link #defaults(String)} and change fields with the
 * {@code with...} methods.
 *
 * @param bootstrapServers   Kafka bootstrap servers
 * @param topic              frames topic (created if missing)
 * @param partitions         partitions when the topic is created (= detector parallelism)
 * @param replicationFactor  replicas when the topic is created
 * @param maxFrameWidth      largest frame width any camera publishes (sizes {@code max.request.size})
 * @param maxFrameHeight     largest frame height any camera publishes
 * @param maxRequestSize     0 = sized from the frame size (see {@link #effectiveMaxRequestSize()}); > 0 = exactly this
 * @param queueCapacity      frames queued per camera before live frames drop the oldest / replay put() blocks
 * @param maxInFlight        un-acknowledged records per camera (more waits in the queue, where drops are counted)
 * @param deliveryTimeout    how long the producer tries one record before reporting it failed
 * @param maxBlock           longest a send waits for metadata or buffer space (bounds a dead broker's grip)
 * @param recoveryWindow     records scanned back in a camera's partition to recover its last sequence
 * @param closeTimeout       how long close() keeps sending what is queued
 * @param clientOverrides    extra Kafka client settings (security etc.) for the producer, admin and consumer
 * @param retentionMs        the topic's {@code retention.ms} (set when created and on an existing topic); 0 = leave
 *                           it to the topic (the broker's default when ingest creates it)
 * @param retentionBytes     the most bytes the whole topic keeps ({@code retention.bytes} = this / partitions);
 *                           0 = leave it to the topic
 * @param claimRenewal       how often a publisher renews its claim on each camera it publishes (one small
 *                           transaction); a publisher that another one fenced stops within about this long
 */
public record PublisherConfig(String bootstrapServers, String topic, int partitions, short replicationFactor,
                              int maxFrameWidth, int maxFrameHeight, int maxRequestSize, int queueCapacity,
                              int maxInFlight, Duration deliveryTimeout, Duration maxBlock, int recoveryWindow,
                              Duration closeTimeout, Map<String, Object> clientOverrides, long retentionMs,
                              long retentionBytes, Duration claimRenewal) {
    public static final String DEFAULT_TOPIC = "frames";
    public static final int MIN_REQUEST_SIZE = 1024 * 1024;
    public static final int MAX_REQUEST_SIZE = 32 * 1024 * 1024;
    /** Worst case measured with OpenCV imencode, quality 100, 4:2:0, uniform noise: 1.98 bytes per pixel. */
    static final double WORST_JPEG_BYTES_PER_PIXEL = 2.0;
    /** Avro fields, key, headers and record-batch framing around the image. */
    static final int RECORD_OVERHEAD = 64 * 1024;

    public PublisherConfig {
        clientOverrides = Map.copyOf(clientOverrides);
        List<String> problems = new ArrayList<>();
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            problems.add("bootstrap servers: expected host:port[,host:port], found none");
        }
        if (topic == null || !topic.matches("[A-Za-z0-9._-]{1,249}")) {
            problems.add("topic: expected 1-249 characters of A-Z a-z 0-9 . _ -, found '" + topic + "'");
        }
        check(problems, "partitions", partitions, 1);
        check(problems, "replication factor", replicationFactor, 1);
        check(problems, "max frame width", maxFrameWidth, 1);
        check(problems, "max frame height", maxFrameHeight, 1);
        check(problems, "max request size", maxRequestSize, 0);
        check(problems, "queue capacity", queueCapacity, 1);
        check(problems, "max in flight", maxInFlight, 1);
        check(problems, "recovery window", recoveryWindow, 1);
        if (retentionMs < 0 || retentionBytes < 0) {
            problems.add("retention: expected >= 0 ms and bytes (0 = the topic's own), found " + retentionMs + " ms, "
                    + retentionBytes + " bytes");
        }
        for (var d : Map.of("delivery timeout", deliveryTimeout, "max block", maxBlock, "close timeout", closeTimeout,
                "claim renewal", claimRenewal).entrySet()) {
            if (d.getValue() == null || d.getValue().isNegative() || d.getValue().isZero()) {
                problems.add(d.getKey() + ": expected a positive duration, found " + d.getValue());
            }
        }
        if (!problems.isEmpty()) {
            throw new IngestException("publisher config: " + String.join("; ", problems));
        }
    }

    /** Topic {@value #DEFAULT_TOPIC}, 1 partition, 1 replica, frames up to 1920x1080, 50 queued frames per camera. */
    public static PublisherConfig defaults(String bootstrapServers) {
        return new PublisherConfig(bootstrapServers, DEFAULT_TOPIC, 1, (short) 1, 1920, 1080, 0, 50, 8,
                Duration.ofSeconds(30), Duration.ofSeconds(5), 2000, Duration.ofSeconds(10), Map.of(), 0, 0,
                Duration.ofSeconds(5));
    }

    /**
     * {@code max.request.size} of the producer and {@code max.message.bytes} of the topic: room for a quality-100
     * JPEG of the largest frame in the worst case (2 bytes per pixel, measured on noise) plus 64 KiB of framing,
     * at least 1 MiB and at most 32 MiB. 1920x1080 gives 4.2 MB; 3840x2160 16.6 MB; a frame that still does not
     * fit is re-encoded smaller by {@link JpegShrinker}.
     */
    public int effectiveMaxRequestSize() {
        if (maxRequestSize > 0) {
            return maxRequestSize;
        }
        double worst = (double) maxFrameWidth * maxFrameHeight * WORST_JPEG_BYTES_PER_PIXEL + RECORD_OVERHEAD;
        return (int) Math.max(MIN_REQUEST_SIZE, Math.min(MAX_REQUEST_SIZE, Math.ceil(worst)));
    }

    public PublisherConfig withTopic(String t) {
        return new PublisherConfig(bootstrapServers, t, partitions, replicationFactor, maxFrameWidth, maxFrameHeight,
                maxRequestSize, queueCapacity, maxInFlight, deliveryTimeout, maxBlock, recoveryWindow, closeTimeout,
                clientOverrides, retentionMs, retentionBytes, claimRenewal);
    }

    public PublisherConfig withPartitions(int p, short replicas) {
        return new PublisherConfig(bootstrapServers, topic, p, replicas, maxFrameWidth, maxFrameHeight,
                maxRequestSize, queueCapacity, maxInFlight, deliveryTimeout, maxBlock, recoveryWindow, closeTimeout,
                clientOverrides, retentionMs, retentionBytes, claimRenewal);
    }

    public PublisherConfig withMaxFrameSize(int width, int height) {
        return new PublisherConfig(bootstrapServers, topic, partitions, replicationFactor, width, height,
                maxRequestSize, queueCapacity, maxInFlight, deliveryTimeout, maxBlock, recoveryWindow, closeTimeout,
                clientOverrides, retentionMs, retentionBytes, claimRenewal);
    }

    public PublisherConfig withMaxRequestSize(int bytes) {
        return new PublisherConfig(bootstrapServers, topic, partitions, replicationFactor, maxFrameWidth,
                maxFrameHeight, bytes, queueCapacity, maxInFlight, deliveryTimeout, maxBlock, recoveryWindow,
                closeTimeout, clientOverrides, retentionMs, retentionBytes, claimRenewal);
    }

    public PublisherConfig withQueue(int capacity, int inFlight) {
        return new PublisherConfig(bootstrapServers, topic, partitions, replicationFactor, maxFrameWidth,
                maxFrameHeight, maxRequestSize, capacity, inFlight, deliveryTimeout, maxBlock, recoveryWindow,
                closeTimeout, clientOverrides, retentionMs, retentionBytes, claimRenewal);
    }

    public PublisherConfig withTimeouts(Duration delivery, Duration block, Duration close) {
        return new PublisherConfig(bootstrapServers, topic, partitions, replicationFactor, maxFrameWidth,
                maxFrameHeight, maxRequestSize, queueCapacity, maxInFlight, delivery, block, recoveryWindow, close,
                clientOverrides, retentionMs, retentionBytes, claimRenewal);
    }

    public PublisherConfig withRecoveryWindow(int records) {
        return new PublisherConfig(bootstrapServers, topic, partitions, replicationFactor, maxFrameWidth,
                maxFrameHeight, maxRequestSize, queueCapacity, maxInFlight, deliveryTimeout, maxBlock, records,
                closeTimeout, clientOverrides, retentionMs, retentionBytes, claimRenewal);
    }

    public PublisherConfig withClientOverrides(Map<String, Object> overrides) {
        return new PublisherConfig(bootstrapServers, topic, partitions, replicationFactor, maxFrameWidth,
                maxFrameHeight, maxRequestSize, queueCapacity, maxInFlight, deliveryTimeout, maxBlock,
                recoveryWindow, closeTimeout, overrides, retentionMs, retentionBytes, claimRenewal);
    }

    private static void check(List<String> problems, String name, int value, int min) {
        if (value < min) {
            problems.add(name + ": expected >= " + min + ", found " + value);
        }
    }

    /** Retention of the topic by time and by size (whole topic); 0 = leave it to the topic. */
    public PublisherConfig withRetention(long ms, long bytes) {
        return new PublisherConfig(bootstrapServers, topic, partitions, replicationFactor, maxFrameWidth,
                maxFrameHeight, maxRequestSize, queueCapacity, maxInFlight, deliveryTimeout, maxBlock,
                recoveryWindow, closeTimeout, clientOverrides, ms, bytes, claimRenewal);
    }

    public PublisherConfig withClaimRenewal(Duration every) {
        return new PublisherConfig(bootstrapServers, topic, partitions, replicationFactor, maxFrameWidth,
                maxFrameHeight, maxRequestSize, queueCapacity, maxInFlight, deliveryTimeout, maxBlock,
                recoveryWindow, closeTimeout, clientOverrides, retentionMs, retentionBytes, every);
    }
}
