package io.yolostream.sinks.snapshot;

import io.yolostream.sinks.annotate.FrameAnnotator;
import io.yolostream.sinks.annotate.FramePair;
import io.yolostream.sinks.common.SinksException;
import io.yolostream.sinks.common.SinksMetrics;
import io.yolostream.sinks.config.SinksConfig;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The snapshot sink on the annotator's pairs: windows close by stream time (capture time) and, so that a camera
 * going quiet still gets its last window written, by the wall clock; a stopping app writes its open windows with
 * what they have. The grace is {@code annotate-window} (pairs arrive up to that late). Effects are files, outside
 * Kafka's transactions: a redone transaction writes the same file names again. Every 30 s (wall clock) the
 * directory's retention is applied ({@link SnapshotRetention}: {@code snapshot-max-age}, {@code snapshot-max-mb}).
 */
public final class SnapshotProcessor implements Processor<String, FramePair, Void, Void> {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotProcessor.class);

    private final SnapshotCollector collector;
    private final SnapshotWriter writer;
    private final SinksMetrics metrics;
    private final SnapshotRetention retention;
    private long streamTime = Long.MIN_VALUE;

    public SnapshotProcessor(SinksConfig c, FrameAnnotator annotator, SinksMetrics metrics) {
        this.collector = new SnapshotCollector(c.snapshotWindow().toMillis(), c.annotateWindow().toMillis());
        this.writer = new SnapshotWriter(Path.of(c.snapshotDir()), annotator, c.hierarchy());
        this.metrics = metrics;
        this.retention = new SnapshotRetention(Path.of(c.snapshotDir()), c.snapshotMaxAge().toMillis(),
                c.snapshotMaxBytes());
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        context.schedule(Duration.ofSeconds(1), PunctuationType.WALL_CLOCK_TIME,
                now -> write(collector.close(Math.max(now, streamTime))));
        if (retention.limited()) {
            context.schedule(Duration.ofSeconds(30), PunctuationType.WALL_CLOCK_TIME, retention::prune);
        }
    }

    @Override
    public void process(Record<String, FramePair> r) {
        streamTime = Math.max(streamTime, r.timestamp());
        if (!collector.offer(r.value())) {
            metrics.annotateDropped("snapshot", "late");
        }
        write(collector.close(streamTime));
    }

    private void write(List<SnapshotCollector.Snapshot> closed) {
        for (SnapshotCollector.Snapshot s : closed) {
            try {
                writer.write(s);
                metrics.snapshot(s.camera());
            } catch (SinksException e) {
                // a full disk must not stop routing and counts: say so and go on
                LOG.warn("snapshot of " + s.camera() + "/" + s.label() + " not written: "
                        + e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        write(collector.drain());
    }
}
