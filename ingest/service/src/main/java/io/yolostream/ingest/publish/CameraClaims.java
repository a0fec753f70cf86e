package io.yolostream.ingest.publish;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One publisher per camera id, enforced by Kafka's transactional fencing: before numbering a camera's frames, a
 * publisher claims the camera with a transactional producer of its own ({@code transactional.id} =
 * {@code yolostream-ingest.<topic>.<camera>}); {@code initTransactions()} fences any older producer with that id.
 * Sequence numbers are then reserved in blocks, each block a committed transaction writing the block's end to the
 * compacted claims topic ({@code <topic>.publishers}, key = camera id). A publisher numbers frames only inside a
 * block it committed, and renews its claim every {@code renewEvery} (committing the same end again) or, when the
 * block is nearly used up, reserves the next block: a fenced publisher's renewal fails
 * ({@link ProducerFencedException}), and it stops publishing that camera. A new publisher starts after the last block
 * anyone reserved, so the two never share a (camera, sequence) pair, even during the seconds before the old one
 * notices. A publisher that claims a camera again itself (its renewal failed: a broker away, a timeout) and finds its
 * own reservation the last one continues its own numbering instead: nobody else numbered in between, and a jump of a
 * block would read as thousands of missing frames.
 *
 * <p>Closing releases each claim at the next unused number, so a clean restart continues without a gap; a crash
 * leaves a gap of at most a block and a quarter. Not thread-safe: the publisher's recovery thread is the only caller.
 */
final class CameraClaims implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CameraClaims.class);
    static final int BLOCK = 1000;
    static final String PUBLISHER_HEADER = "yolostream.publisher";
    private static final int CHUNK = 50;

    /** A reserved range of sequence numbers [start, end). */
    record Block(long start, long end) {
    }

    /** The last reservation of a camera: its end, and the publisher that made it (null when unknown). */
    record Reservation(long end, String publisher) {
    }

    /** This publisher's claim on a camera was taken over by another publisher. */
    static final class FencedException extends RuntimeException {
        FencedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final PublisherConfig config;
    private final String topic;
    private final String identity;
    private final Map<String, KafkaProducer<String, byte[]>> producers = new ConcurrentHashMap<>();
    private final KafkaConsumer<String, byte[]> reader;

    CameraClaims(PublisherConfig config) {
        this.config = config;
        this.topic = claimsTopic(config.topic());
        this.identity = identity();
        Map<String, Object> props = new HashMap<>(config.clientOverrides());
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) config.deliveryTimeout().toMillis());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "yolostream-ingest-claims");
        this.reader = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    }

    /** The compacted topic of the claims of {@code framesTopic}'s cameras. */
    static String claimsTopic(String framesTopic) {
        return framesTopic + ".publishers";
    }

    static String transactionalId(String framesTopic, String cameraId) {
        return "yolostream-ingest." + framesTopic + "." + cameraId;
    }

    /**
     * Claims the camera (fencing any other publisher of it) and reserves its first block, starting at
     * {@code atLeast} or after the last block anyone reserved, whichever is higher.
     */
    Block claim(String cameraId, long atLeast) {
        KafkaProducer<String, byte[]> old = producers.remove(cameraId);
        if (old != null) {
            old.close(Duration.ZERO);
        }
        KafkaProducer<String, byte[]> p = new KafkaProducer<>(producerProps(cameraId), new StringSerializer(),
                new ByteArraySerializer());
        try {
            p.initTransactions(); // fences an older producer of this camera; its open transaction is aborted
        } catch (RuntimeException e) {
            p.close(Duration.ZERO);
            throw e;
        }
        producers.put(cameraId, p);
        Reservation last = lastReservation(cameraId);
        boolean own = identity.equals(last.publisher());
        long start = own ? atLeast : Math.max(atLeast, last.end());
        Block b = reserve(cameraId, start, start + BLOCK);
        LOG.info("camera {}: claimed for this publisher ({}), sequences from {}{}", cameraId, identity, start,
                own ? " (its own reservation, continued)" : last.end() > atLeast
                        ? " (reserved by an earlier publisher up to " + last.end() + ")" : "");
        return b;
    }

    /** Reserves the next block after {@code end}; a {@link FencedException} when another publisher took over. */
    Block extend(String cameraId, long end) {
        return reserve(cameraId, end, end + BLOCK);
    }

    /**
     * Renews the claim without reserving more: commits {@code end} again, which fails with a {@link FencedException}
     * when another publisher took over.
     */
    Block renew(String cameraId, long end) {
        return reserve(cameraId, end, end);
    }

    /** Gives the unused rest of the block back: the next publisher continues at {@code next}. */
    void release(String cameraId, long next) {
        KafkaProducer<String, byte[]> p = producers.remove(cameraId);
        if (p == null) {
            return;
        }
        try {
            commit(cameraId, p, next);
        } catch (RuntimeException e) {
            LOG.debug("camera {}: claim not released ({}); the next publisher starts after the reserved block",
                    cameraId, e.toString());
        } finally {
            p.close(Duration.ofSeconds(5));
        }
    }

    private Block reserve(String cameraId, long start, long end) {
        KafkaProducer<String, byte[]> p = producers.get(cameraId);
        if (p == null) {
            throw new IllegalStateException("camera " + cameraId + ": not claimed");
        }
        commit(cameraId, p, end);
        return new Block(start, end);
    }

    private void commit(String cameraId, KafkaProducer<String, byte[]> p, long end) {
        try {
            p.beginTransaction();
            ProducerRecord<String, byte[]> r = new ProducerRecord<>(topic, 0, cameraId,
                    Long.toString(end).getBytes(StandardCharsets.UTF_8));
            r.headers().add(new RecordHeader(PUBLISHER_HEADER, identity.getBytes(StandardCharsets.UTF_8)));
            p.send(r);
            p.commitTransaction();
        } catch (ProducerFencedException | InvalidProducerEpochException e) {
            producers.remove(cameraId, p);
            p.close(Duration.ZERO);
            throw new FencedException("camera " + cameraId + ": another publisher claimed this camera id (Kafka"
                    + " fenced transactional id " + transactionalId(config.topic(), cameraId) + "); this one stops"
                    + " publishing it, so no two publishers number its frames", e);
        } catch (TransactionalIdAuthorizationException e) {
            throw e;
        } catch (KafkaException e) {
            // a timeout or a broker going away: this producer's state is unknown, claim afresh next time
            producers.remove(cameraId, p);
            p.close(Duration.ZERO);
            throw e;
        }
    }

    /** The end of the last block reserved for the camera (read_committed), 0 when none. */
    long lastReserved(String cameraId) {
        return lastReservation(cameraId).end();
    }

    /** The camera's last reservation (read_committed): end 0 and no publisher when none. */
    Reservation lastReservation(String cameraId) {
        TopicPartition tp = new TopicPartition(topic, 0);
        reader.assign(List.of(tp));
        Duration timeout = config.deliveryTimeout();
        long begin = reader.beginningOffsets(List.of(tp), timeout).get(tp);
        long hi = reader.endOffsets(List.of(tp), timeout).get(tp); // the last stable offset under read_committed
        while (hi > begin) {
            long lo = Math.max(begin, hi - CHUNK);
            reader.seek(tp, lo);
            long found = -1;
            String by = null;
            long deadline = System.nanoTime() + timeout.toNanos();
            while (reader.position(tp, timeout) < hi) {
                if (System.nanoTime() > deadline) {
                    throw new org.apache.kafka.common.errors.TimeoutException("reading claims " + tp + " offsets "
                            + lo + ".." + (hi - 1) + ": not done within " + timeout);
                }
                for (ConsumerRecord<String, byte[]> r : reader.poll(Duration.ofMillis(200))) {
                    if (r.offset() < hi && cameraId.equals(r.key()) && r.value() != null) {
                        long end = parse(r);
                        if (end >= 0) {
                            found = end;
                            var h = r.headers().lastHeader(PUBLISHER_HEADER);
                            by = h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
                        }
                    }
                }
            }
            if (found >= 0) {
                return new Reservation(found, by);
            }
            hi = lo;
        }
        return new Reservation(0, null);
    }

    private static long parse(ConsumerRecord<String, byte[]> r) {
        try {
            return Long.parseLong(new String(r.value(), StandardCharsets.UTF_8).strip());
        } catch (NumberFormatException e) {
            LOG.warn("{}-{} offset {}: not a claim (expected a sequence number), skipped", r.topic(), r.partition(),
                    r.offset());
            return -1;
        }
    }

    private Map<String, Object> producerProps(String cameraId) {
        Map<String, Object> p = new HashMap<>(config.clientOverrides());
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "yolostream-ingest-claim-" + cameraId);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId(config.topic(), cameraId));
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 60_000);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, config.deliveryTimeout().toMillis());
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) config.deliveryTimeout().toMillis());
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(1000, config.deliveryTimeout().toMillis() / 2));
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 1024 * 1024L);
        return p;
    }

    /**
     * Host, process and a random part: one per publisher instance, so a restarted process (in a container: the same
     * host name and pid 1) is another publisher and starts after the reserved block.
     */
    private static String identity() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "unknown-host";
        }
        return host + "/" + ManagementFactory.getRuntimeMXBean().getPid() + "/"
                + Long.toHexString(new java.security.SecureRandom().nextInt() & 0xffffffffL);
    }

    @Override
    public void close() {
        producers.values().forEach(p -> p.close(Duration.ofSeconds(5)));
        producers.clear();
        reader.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
    }
}
