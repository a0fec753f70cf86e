package io.yolostream.deploy.run;

import io.yolostream.detector.avro.DetectedObject;
import io.yolostream.detector.avro.Detection;
import io.yolostream.detector.avro.DetectionStatus;
import io.yolostream.detector.schema.DetectionCodec;
import io.yolostream.detector.schema.DetectionJson;
import io.yolostream.ingest.IngestException;
import io.yolostream.ingest.publish.FramePublisher;
import io.yolostream.ingest.source.CameraSpec;
import io.yolostream.ingest.source.EncodedFrame;
import io.yolostream.ingest.source.FrameSink;
import io.yolostream.ingest.source.ReplaySource;
import io.yolostream.ingest.source.ReplaySpeed;
import io.yolostream.ingest.source.VideoSource;
import io.yolostream.schema.AvroTrust;
import io.yolostream.sinks.common.SinksSerdes;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * {@code yolostream replay}: plays one video file through a running {@link AllInOne} and follows it to the end.
 * The file is replayed ({@link ReplaySource}: nothing dropped, an end-of-stream record per run) into the all-in-one's
 * frame publisher on a thread of its own, while this thread reads the detections topic (read_committed, from where
 * it ended before the replay) and keeps the records of the replay's session: one per frame, written as JSON Lines
 * (the sinks' JSON mirror format) in frame order. It returns when every sequence of the session has its committed
 * record (the end-of-stream count), after waiting (bounded) for the sinks to have consumed them too, so that the
 * hierarchy topics are complete when the all-in-one is closed.
 */
public final class ReplayRun {
    private static final Logger LOG = LoggerFactory.getLogger(ReplayRun.class);
    private static final long PROGRESS_EVERY_NANOS = 200_000_000L;

    /**
     * Where the replay stands.
     *
     * @param published     frames handed to Kafka and acknowledged
     * @param totalEstimate frames the file will give, estimated from its duration (0 when unknown); exact once
     *                      {@code replayDone}
     * @param committed     detection records of the replay committed so far
     * @param fps           committed records per second since the start
     * @param eta           time left at that rate, null when unknown
     * @param replayDone    every frame and the end-of-stream record are acknowledged
     */
    public record Progress(long published, long totalEstimate, long committed, double fps, Duration eta,
                           boolean replayDone) {
    }

    /**
     * The finished replay.
     *
     * @param objectsPerLabel objects of OK records by label, most frequent first
     * @param statuses        records by status (OK, SKIPPED_STALE, ERROR)
     * @param sinksCaughtUp   the sinks consumed every record of the replay before the wait ran out
     * @param routed          records of the replay in each hierarchy topic (read_committed), in subscription order
     */
    public record Result(String cameraId, String sessionId, long frames, long objects,
                         Map<String, Long> objectsPerLabel, Map<DetectionStatus, Long> statuses, Duration wallTime,
                         double fps, Path out, boolean sinksCaughtUp, Map<String, Long> routed, Tracks tracks) {
    }

    /**
     * {@code --track}: the replay's tracks.
     *
     * @param perLabel confirmed tracks by label, most frequent first
     * @param events   events by kind (started, ended, entered, ...)
     * @param complete every frame had its tracks record and every track ended within the wait
     */
    public record Tracks(long count, Map<String, Long> perLabel, Map<String, Long> events, boolean complete) {
    }

    private final AllInOne all;
    private final CameraSpec camera;
    private final ReplaySpeed speed;
    private final VideoSource.Options options;
    private final Path out;
    private final Duration sinksWait;
    private final boolean track;
    private volatile boolean cancelled;

    /**
     * @param sinksWait how long to wait, after the last detection, for the sinks to consume the replay's records
     */
    public ReplayRun(AllInOne all, CameraSpec camera, ReplaySpeed speed, VideoSource.Options options, Path out,
                     Duration sinksWait) {
        this(all, camera, speed, options, out, sinksWait, false);
    }

    /**
     * @param track also follow the sinks' tracks and events topics: each JSON line gets the frame's {@code tracks}
     *              and {@code events}, and the result their summary
     */
    public ReplayRun(AllInOne all, CameraSpec camera, ReplaySpeed speed, VideoSource.Options options, Path out,
                     Duration sinksWait, boolean track) {
        this.track = track;
        this.all = all;
        this.camera = camera;
        this.speed = speed;
        this.options = options;
        this.out = out;
        this.sinksWait = sinksWait;
    }

    /** Makes {@link #run} stop early (Ctrl-C): it throws {@link InterruptedException}. */
    public void cancel() {
        cancelled = true;
    }

    public Result run(Consumer<Progress> progress) throws InterruptedException {
        AvroTrust.trustPackageOf(Detection.class);
        long start = System.nanoTime();
        Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
        try {
            if (out.toAbsolutePath().getParent() != null) {
                Files.createDirectories(out.toAbsolutePath().getParent());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("replay output " + out + ": " + e.getMessage(), e);
        }
        try (KafkaConsumer<String, byte[]> consumer = consumer();
             OutputStream lines = Files.newOutputStream(tmp);
             ReplayTracks tracks = track ? ReplayTracks.open(all) : null) {
            assignAtEnd(consumer);
            Map<TopicPartition, Long> routedFrom = routedEnds(consumer);
            Map<Long, Detection> held = new java.util.TreeMap<>();
            CountingSink sink = new CountingSink(all.publisher());
            AtomicReference<Throwable> failure = new AtomicReference<>();
            AtomicLong estimate = new AtomicLong();
            Thread replay = new Thread(() -> {
                try {
                    new ReplaySource(camera, speed, false, sink, options)
                            .run(p -> estimate.set(p.totalEstimate()));
                } catch (Throwable e) {
                    failure.set(e);
                }
            }, "replay-" + camera.id());
            replay.setDaemon(true);
            replay.start();
            try {
                Set<Long> seen = new HashSet<>();
                Map<Integer, Long> lastOffsets = new HashMap<>();
                Map<String, Long> labels = new HashMap<>();
                Map<DetectionStatus, Long> statuses = new EnumMap<>(DetectionStatus.class);
                long objects = 0;
                long lastProgress = 0;
                while (true) {
                    if (cancelled) {
                        throw new InterruptedException("replay of " + camera.url() + " cancelled");
                    }
                    Throwable f = failure.get();
                    if (f != null) {
                        throw f instanceof RuntimeException r ? r
                                : new IngestException("replay of " + camera.maskedUrl() + " failed: " + f, f);
                    }
                    if (!all.detectorRunning()) {
                        throw new IllegalStateException("replay of " + camera.maskedUrl() + ": the detector stopped"
                                + " (see the log above) after " + seen.size() + " detection record(s)");
                    }
                    String session = sink.sessionId;
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        if (session == null || !camera.id().equals(r.key())) {
                            continue;
                        }
                        Detection d = io.yolostream.detector.schema.DetectionCodec.decode(r.value());
                        if (!session.equals(d.getSessionId()) || !seen.add(d.getSequence())) {
                            continue;
                        }
                        lastOffsets.merge(r.partition(), r.offset(), Math::max);
                        if (tracks != null) {
                            held.put(d.getSequence(), d); // written with its tracks at the end
                        } else {
                            lines.write(DetectionJson.toBytes(d));
                            lines.write('\n');
                        }
                        statuses.merge(d.getStatus(), 1L, Long::sum);
                        if (d.getStatus() == DetectionStatus.OK) {
                            for (DetectedObject o : d.getObjects()) {
                                labels.merge(o.getLabel(), 1L, Long::sum);
                                objects++;
                            }
                        }
                    }
                    sink.committed = seen.size();
                    if (tracks != null) {
                        tracks.poll(camera.id(), session, Duration.ZERO);
                    }
                    long expected = sink.endedFrames;
                    boolean replayDone = expected >= 0;
                    long now = System.nanoTime();
                    boolean done = replayDone && seen.size() >= expected;
                    if (progress != null && (done || now - lastProgress >= PROGRESS_EVERY_NANOS)) {
                        lastProgress = now;
                        progress.accept(progress(sink, replayDone ? expected : estimate.get(), seen.size(),
                                now - start, replayDone));
                    }
                    if (done) {
                        Duration wall = Duration.ofNanos(System.nanoTime() - start);
                        Tracks summary = null;
                        if (tracks != null) {
                            tracks.await(camera.id(), session, held.keySet(), sinksWait);
                            for (Detection d : held.values()) {
                                com.fasterxml.jackson.databind.node.ObjectNode line = DetectionJson.toJson(d);
                                tracks.addTo(line, d.getSequence());
                                lines.write(line.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                                lines.write('\n');
                            }
                            ReplayTracks.Summary t = tracks.summary();
                            summary = new Tracks(t.tracks(), t.perLabel(), t.events(), t.complete());
                        }
                        lines.close();
                        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING);
                        boolean caughtUp = awaitSinks(lastOffsets);
                        Map<String, Long> routed = countRouted(routedFrom, session);
                        Map<String, Long> sorted = new LinkedHashMap<>();
                        labels.entrySet().stream()
                                .sorted(Map.Entry.<String, Long>comparingByValue().reversed()
                                        .thenComparing(Map.Entry.comparingByKey()))
                                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
                        return new Result(camera.id(), session, expected, objects, sorted, statuses, wall,
                                expected * 1e9 / Math.max(1, wall.toNanos()), out, caughtUp, routed, summary);
                    }
                }
            } finally {
                replay.interrupt();
                replay.join(10_000);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("replay output " + out + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // best effort
            }
        }
    }

    private static Progress progress(CountingSink sink, long total, long committed, long elapsedNanos,
                                     boolean replayDone) {
        double fps = elapsedNanos > 0 ? committed * 1e9 / elapsedNanos : 0;
        Duration eta = null;
        if (total > 0 && fps > 0) {
            eta = Duration.ofMillis((long) (Math.max(0, total - committed) / fps * 1000));
        }
        return new Progress(sink.published(), total, committed, fps, eta, replayDone);
    }

    private KafkaConsumer<String, byte[]> consumer() {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, all.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.CLIENT_ID_CONFIG, "yolostream-replay-" + ProcessHandle.current().pid()),
                new StringDeserializer(), new ByteArrayDeserializer());
    }

    /** All partitions of the detections topic, positioned at their (committed) end: only new records count. */
    private void assignAtEnd(KafkaConsumer<String, byte[]> consumer) {
        List<TopicPartition> parts = new ArrayList<>();
        for (PartitionInfo p : consumer.partitionsFor(all.detectionsTopic(), Duration.ofSeconds(30))) {
            parts.add(new TopicPartition(p.topic(), p.partition()));
        }
        if (parts.isEmpty()) {
            throw new IllegalStateException("detections topic " + all.detectionsTopic() + " on "
                    + all.bootstrapServers() + ": expected partitions, found none");
        }
        consumer.assign(parts);
        consumer.seekToEnd(parts);
        for (TopicPartition tp : parts) {
            consumer.position(tp, Duration.ofSeconds(30)); // resolves the seek now, before the replay starts
        }
    }

    /** Where each hierarchy topic ends (committed) before the replay: its records come after. */
    private Map<TopicPartition, Long> routedEnds(KafkaConsumer<String, byte[]> consumer) {
        List<TopicPartition> parts = new ArrayList<>();
        for (String topic : all.routedTopics()) {
            for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                parts.add(new TopicPartition(p.topic(), p.partition()));
            }
        }
        return parts.isEmpty() ? Map.of() : new HashMap<>(consumer.endOffsets(parts, Duration.ofSeconds(30)));
    }

    /**
     * The replay's records in each hierarchy topic: read (read_committed) from where the topic ended before the
     * replay to where it ends now, counting those of the replay's session. The sinks write them in the transaction
     * that commits their input offsets, so once they caught up this is every one.
     */
    private Map<String, Long> countRouted(Map<TopicPartition, Long> from, String session) {
        Map<String, Long> counts = new LinkedHashMap<>();
        all.routedTopics().forEach(t -> counts.put(t, 0L));
        if (from.isEmpty()) {
            return counts;
        }
        var routed = SinksSerdes.routed().deserializer();
        try (KafkaConsumer<String, byte[]> c = consumer()) {
            List<TopicPartition> parts = new ArrayList<>(from.keySet());
            c.assign(parts);
            from.forEach(c::seek);
            Map<TopicPartition, Long> ends = c.endOffsets(parts, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (parts.stream().anyMatch(tp -> c.position(tp) < ends.get(tp))) {
                if (System.nanoTime() > deadline) {
                    LOG.warn("counting the hierarchy topics of the replay: not at their end {} within 60 s", ends);
                    break;
                }
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (camera.id().equals(r.key())
                            && session.equals(routed.deserialize(r.topic(), r.value()).getSessionId())) {
                        counts.merge(r.topic(), 1L, Long::sum);
                    }
                }
            }
        }
        return counts;
    }

    /** Waits until the sinks' group has committed past the replay's last record in each partition. */
    private boolean awaitSinks(Map<Integer, Long> lastOffsets) throws InterruptedException {
        if (lastOffsets.isEmpty()) {
            return true;
        }
        long deadline = System.nanoTime() + sinksWait.toNanos();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, all.bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000))) {
            while (true) {
                if (cancelled) {
                    throw new InterruptedException("replay of " + camera.url() + " cancelled");
                }
                try {
                    Map<TopicPartition, OffsetAndMetadata> committed = admin
                            .listConsumerGroupOffsets(all.sinksGroup()).partitionsToOffsetAndMetadata()
                            .get(10, TimeUnit.SECONDS);
                    boolean caughtUp = lastOffsets.entrySet().stream().allMatch(e -> {
                        OffsetAndMetadata o = committed.get(new TopicPartition(all.detectionsTopic(), e.getKey()));
                        return o != null && o.offset() > e.getValue();
                    });
                    if (caughtUp) {
                        return true;
                    }
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    LOG.debug("sinks offsets: " + e);
                }
                if (System.nanoTime() > deadline) {
                    LOG.warn("the sinks have not consumed every detection of the replay "
                            + "within " + sinksWait.toSeconds() + " s: the hierarchy topics may lack its last "
                            + "records until the next start");
                    return false;
                }
                Thread.sleep(200);
            }
        }
    }

    /**
     * Hands frames to the publisher; remembers the run's session id and, once acknowledged, its frame count. It
     * stays at most {@value #MAX_AHEAD} frames ahead of the committed detections: a replay at full speed cannot
     * outrun the detector by more than the frames topic keeps (the all-in-one's retention), so none is deleted
     * before it was detected, and the broker's disk is not filled by one replay.
     */
    private static final class CountingSink implements FrameSink {
        static final long MAX_AHEAD = 500;
        private final FramePublisher publisher;
        private final Map<String, Long> put = new ConcurrentHashMap<>();
        private long putFrames;
        volatile long committed;
        volatile String sessionId;
        volatile long endedFrames = -1;

        CountingSink(FramePublisher publisher) {
            this.publisher = publisher;
        }

        long published() {
            String id = put.keySet().stream().findFirst().orElse(null);
            var stats = id == null ? null : publisher.stats(id);
            return stats == null ? 0 : stats.published();
        }

        @Override
        public void offer(EncodedFrame frame) {
            throw new UnsupportedOperationException("a replay puts its frames");
        }

        @Override
        public void put(EncodedFrame frame) throws InterruptedException {
            while (putFrames - committed >= MAX_AHEAD) {
                LockSupport.parkNanos(this, 20_000_000L); // the run's thread counts committed records as they come
                if (Thread.interrupted()) {
                    throw new InterruptedException("replay interrupted while the detector catches up");
                }
            }
            sessionId = frame.sessionId();
            put.merge(frame.cameraId(), 1L, Long::sum);
            publisher.put(frame);
            putFrames++;
        }

        @Override
        public void endOfStream(String cameraId, String session, long frames) throws InterruptedException {
            publisher.endOfStream(cameraId, session, frames);
            endedFrames = frames;
        }
    }

    /** Objects per label as "car 12, person 3" (most first), or "none". */
    public static String labels(Map<String, Long> perLabel) {
        if (perLabel.isEmpty()) {
            return "none";
        }
        StringBuilder sb = new StringBuilder();
        perLabel.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append(' ').append(v));
        return sb.toString();
    }
}
