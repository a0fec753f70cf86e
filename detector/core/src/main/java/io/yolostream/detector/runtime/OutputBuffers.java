package io.yolostream.detector.runtime;

import java.nio.FloatBuffer;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The runner's output buffers, one per (batch, height, width), least recently used first out. Bounded by count and by
 * bytes: YOLO9000's output is ~40 MB per frame at 608, so 16 shapes of an adaptive ladder could hold gigabytes of
 * direct memory, which only a GC gives back. The buffer asked for last is always kept, whatever its size.
 */
final class OutputBuffers {
    private final int maxShapes;
    private final long maxBytes;
    private final Map<String, FloatBuffer> buffers = new LinkedHashMap<>(16, 0.75f, true);
    private long bytes;

    OutputBuffers(int maxShapes, long maxBytes) {
        this.maxShapes = maxShapes;
        this.maxBytes = maxBytes;
    }

    /** The buffer of {@code floats} floats for this shape: the cached one, or a new one (evicting others). */
    FloatBuffer get(int batch, int height, int width, int floats) {
        String key = batch + "x" + height + "x" + width;
        FloatBuffer out = buffers.get(key);
        if (out != null) {
            return out;
        }
        long size = 4L * floats;
        // make room first, so that the evicted buffers can be collected if the allocation needs their memory
        Iterator<FloatBuffer> eldest = buffers.values().iterator();
        while (eldest.hasNext() && (buffers.size() >= maxShapes || bytes + size > maxBytes)) {
            bytes -= 4L * eldest.next().capacity();
            eldest.remove();
        }
        out = OrtRunner.allocateInput(floats);
        buffers.put(key, out);
        bytes += size;
        return out;
    }

    /** Bytes held now. */
    long bytes() {
        return bytes;
    }

    int shapes() {
        return buffers.size();
    }

    void clear() {
        buffers.clear();
        bytes = 0;
    }
}
