package io.yolostream.sinks.annotate;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * The join of the annotator: one {@link PairBuffer} per task (frames and detections of a camera share a partition,
 * so a task sees both sides). A pair is forwarded with the frame's capture time as its timestamp. The buffer lives in
 * memory only: after a restart or rebalance the sides that were waiting are gone (their partners count as dropped);
 * the live view and snapshots are best effort, the topics of record are frames and detections.
 */
public final class PairingProcessor implements Processor<String, FramePair.Side, String, FramePair> {
    private final long windowMs;
    private final int maxPerCamera;
    private final BiConsumer<String, String> dropped;
    private ProcessorContext<String, FramePair> context;
    private PairBuffer buffer;

    public PairingProcessor(long windowMs, int maxPerCamera, BiConsumer<String, String> dropped) {
        this.windowMs = windowMs;
        this.maxPerCamera = maxPerCamera;
        this.dropped = dropped;
    }

    @Override
    public void init(ProcessorContext<String, FramePair> context) {
        this.context = context;
        this.buffer = new PairBuffer(windowMs, maxPerCamera, dropped);
    }

    @Override
    public void process(Record<String, FramePair.Side> r) {
        FramePair.Side s = r.value();
        Optional<FramePair> pair = s.frame() != null ? buffer.frame(s.frame(), r.timestamp())
                : buffer.detection(s.detection(), r.timestamp());
        pair.ifPresent(p -> context.forward(new Record<>(r.key(), p, p.frame().getCaptureTime().toEpochMilli())));
    }
}
