package io.yolostream.deploy.run;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.yolostream.sinks.avro.TrackEvent;
import io.yolostream.sinks.avro.TrackEventKind;
import io.yolostream.sinks.avro.TrackFrame;
import io.yolostream.sinks.avro.TrackedObject;
import io.yolostream.sinks.common.SinksSerdes;
import io.yolostream.sinks.tracking.TrackJson;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code replay --track}: follows the sinks' tracks and events topics (read_committed, from their end before the
 * replay) and keeps the replay session's records: one tracks record per frame, the events by the frame that caused
 * them. Complete once every frame of the session has its tracks record and every track that started has ended (the
 * sinks end a camera's tracks once it has been idle for track-idle-end).
 */
final class ReplayTracks implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReplayTracks.class);

    /**
     * What the replay's tracks came to.
     *
     * @param perLabel confirmed tracks by their last label ("-" without one), most frequent first
     * @param events   events by kind
     * @param complete every frame had its tracks record and every track ended within the wait
     */
    record Summary(long tracks, Map<String, Long> perLabel, Map<String, Long> events, boolean complete) {
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final String tracksTopic;
    private final String eventsTopic;
    private final Map<Long, TrackFrame> frames = new TreeMap<>();
    private final Map<Long, List<TrackEvent>> events = new TreeMap<>();
    private final Set<String> started = new HashSet<>();
    private final Set<String> ended = new HashSet<>();
    private boolean complete;

    private ReplayTracks(String bootstrap, String tracksTopic, String eventsTopic) {
        this.tracksTopic = tracksTopic;
        this.eventsTopic = eventsTopic;
        consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.CLIENT_ID_CONFIG, "yolostream-replay-tracks-" + ProcessHandle.current().pid()),
                new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> parts = new ArrayList<>();
        for (String t : List.of(tracksTopic, eventsTopic)) {
            List<PartitionInfo> infos = consumer.partitionsFor(t, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                consumer.close();
                throw new IllegalStateException("replay --track: expected the sinks' topic " + t + " on " + bootstrap
                        + ", found none (is tracking on?)");
            }
            infos.forEach(p -> parts.add(new TopicPartition(p.topic(), p.partition())));
        }
        consumer.assign(parts);
        consumer.seekToEnd(parts);
        parts.forEach(tp -> consumer.position(tp, Duration.ofSeconds(30)));
    }

    static ReplayTracks open(AllInOne all) {
        return new ReplayTracks(all.bootstrapServers(), all.tracksTopic(), all.eventsTopic());
    }

    /** Reads what is there for {@code camera}'s {@code session} (null: not known yet, nothing kept). */
    void poll(String camera, String session, Duration timeout) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(timeout)) {
            if (session == null || !camera.equals(r.key())) {
                continue;
            }
            try {
                if (r.topic().equals(tracksTopic)) {
                    TrackFrame f = SinksSerdes.trackFrame().deserializer().deserialize(r.topic(), r.value());
                    if (session.equals(f.getSessionId())) {
                        frames.put(f.getSequence(), f);
                    }
                } else if (r.topic().equals(eventsTopic)) {
                    TrackEvent e = SinksSerdes.trackEvent().deserializer().deserialize(r.topic(), r.value());
                    if (session.equals(e.getSessionId())) {
                        events.computeIfAbsent(e.getSequence(), k -> new ArrayList<>()).add(e);
                        if (e.getKind() == TrackEventKind.STARTED) {
                            started.add(e.getTrackId());
                        } else if (e.getKind() == TrackEventKind.ENDED) {
                            ended.add(e.getTrackId());
                        }
                    }
                }
            } catch (RuntimeException e) {
                LOG.warn("replay --track: skipped an unreadable record of {}: {}", r.topic(), e.getMessage());
            }
        }
    }

    /** Waits (bounded) until every sequence has its tracks record and every started track has ended. */
    boolean await(String camera, String session, Set<Long> sequences, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (!(frames.keySet().containsAll(sequences) && ended.containsAll(started))) {
            if (Thread.interrupted()) {
                throw new InterruptedException("replay --track cancelled");
            }
            if (System.nanoTime() > deadline) {
                LOG.warn("replay --track: {} of {} frames have their tracks record and {} of {} tracks ended within {}"
                        + " s: the output lacks the rest", frames.size(), sequences.size(), ended.size(),
                        started.size(), wait.toSeconds());
                return complete = false;
            }
            poll(camera, session, Duration.ofMillis(200));
        }
        return complete = true;
    }

    /** Adds {@code tracks} and {@code events} (as on tracks.json and events.json) to a frame's JSON line. */
    void addTo(ObjectNode line, long sequence) {
        TrackFrame f = frames.get(sequence);
        ArrayNode t = line.putArray("tracks");
        if (f != null) {
            t.addAll((ArrayNode) TrackJson.toJson(f).get("tracks"));
        }
        ArrayNode ev = line.putArray("events");
        events.getOrDefault(sequence, List.of()).forEach(e -> ev.add(TrackJson.toJson(e)));
    }

    Summary summary() {
        Map<String, String> labels = new HashMap<>();
        for (TrackFrame f : frames.values()) {
            for (TrackedObject o : f.getTracks()) {
                labels.put(o.getTrackId(), o.getLabel() == null ? "-" : o.getLabel());
            }
        }
        Map<String, Long> perLabel = new HashMap<>();
        labels.values().forEach(l -> perLabel.merge(l, 1L, Long::sum));
        Map<String, Long> sorted = new LinkedHashMap<>();
        perLabel.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()
                .thenComparing(Map.Entry.comparingByKey())).forEach(e -> sorted.put(e.getKey(), e.getValue()));
        Map<String, Long> kinds = new LinkedHashMap<>();
        for (TrackEventKind k : TrackEventKind.values()) {
            long n = events.values().stream().flatMap(List::stream).filter(e -> e.getKind() == k).count();
            if (n > 0) {
                kinds.put(k.name().toLowerCase(Locale.ROOT), n);
            }
        }
        return new Summary(labels.size(), sorted, kinds, complete);
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
