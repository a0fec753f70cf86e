package io.yolostream.sinks.annotate;

import io.yolostream.detector.avro.Detection;
import io.yolostream.ingest.avro.Frame;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * Joins frames and detection records on (camera, sequence) within a bounded window of stream time (the highest
 * capture time seen): whichever side comes first waits, the other completes the pair. A side older than the window
 * is dropped on arrival ("late"), one still unpaired when the window passes it is dropped ("unmatched"), and a
 * camera holds at most {@code maxPerCamera} waiting sides ("overflow"); each drop is reported to the listener as
 * (side, reason). One buffer per stream task; not thread-safe.
 */
public final class PairBuffer {
    private final long windowMs;
    private final int maxPerCamera;
    private final BiConsumer<String, String> dropped;
    private final Map<String, TreeMap<Long, Waiting>> byCamera = new HashMap<>();
    private long streamTime = Long.MIN_VALUE;
    private long evictedAt = Long.MIN_VALUE;
    private int size;

    private record Waiting(Frame frame, Detection detection, long timestamp) {
        String side() {
            return frame != null ? "frame" : "detection";
        }
    }

    /** @param dropped called with (side, reason): side frame|detection, reason late|unmatched|overflow */
    public PairBuffer(long windowMs, int maxPerCamera, BiConsumer<String, String> dropped) {
        this.windowMs = windowMs;
        this.maxPerCamera = maxPerCamera;
        this.dropped = dropped;
    }

    public Optional<FramePair> frame(Frame f, long timestamp) {
        return add(f.getCameraId(), f.getSequence(), new Waiting(f, null, timestamp));
    }

    public Optional<FramePair> detection(Detection d, long timestamp) {
        return add(d.getCameraId(), d.getSequence(), new Waiting(null, d, timestamp));
    }

    private Optional<FramePair> add(String camera, long sequence, Waiting w) {
        streamTime = Math.max(streamTime, w.timestamp);
        evict();
        if (w.timestamp < streamTime - windowMs) {
            dropped.accept(w.side(), "late");
            return Optional.empty();
        }
        TreeMap<Long, Waiting> waiting = byCamera.computeIfAbsent(camera, k -> new TreeMap<>());
        Waiting other = waiting.get(sequence);
        if (other != null && (other.frame != null) != (w.frame != null)) {
            waiting.remove(sequence);
            size--;
            Frame f = w.frame != null ? w.frame : other.frame;
            Detection d = w.detection != null ? w.detection : other.detection;
            return Optional.of(new FramePair(f, d));
        }
        if (waiting.put(sequence, w) == null) {
            size++;
        } else {
            dropped.accept(w.side(), "unmatched"); // the same side twice (a redelivery): the newer one waits
        }
        while (waiting.size() > maxPerCamera) {
            dropped.accept(waiting.pollFirstEntry().getValue().side(), "overflow");
            size--;
        }
        return Optional.empty();
    }

    private void evict() {
        // a full scan at most every 1/8 window of stream time: waiting sides are dropped a little late, never early
        if (evictedAt != Long.MIN_VALUE && streamTime - evictedAt < Math.max(1, windowMs / 8)) {
            return;
        }
        evictedAt = streamTime;
        long horizon = streamTime - windowMs;
        for (Iterator<TreeMap<Long, Waiting>> cams = byCamera.values().iterator(); cams.hasNext(); ) {
            TreeMap<Long, Waiting> waiting = cams.next();
            waiting.values().removeIf(w -> {
                if (w.timestamp < horizon) {
                    dropped.accept(w.side(), "unmatched");
                    size--;
                    return true;
                }
                return false;
            });
            if (waiting.isEmpty()) {
                cams.remove();
            }
        }
    }

    /** Sides waiting for their pair. */
    public int size() {
        return size;
    }
}
