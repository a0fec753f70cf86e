package io.yolostream.detector.service;

import io.yolostream.detector.runtime.OrtRunner;

import java.nio.FloatBuffer;
import java.util.ArrayDeque;

/**
 * Input buffers for the two-stage pipeline: one being filled for batch k+1 while batch k's is read by inference.
 * ONNX Runtime reads only the first batch*3*H*W floats, so a buffer serves any shape that fits; two of the largest
 * shape seen are kept, whatever the ladder.
 */
final class InputBuffers {
    private static final int KEEP = 2;
    private final ArrayDeque<FloatBuffer> free = new ArrayDeque<>();

    synchronized FloatBuffer acquire(int floats) {
        for (FloatBuffer b : free) {
            if (b.capacity() >= floats) {
                free.remove(b);
                return b;
            }
        }
        if (free.size() >= KEEP) {
            free.pollFirst(); // too small for current shapes: let the GC take it
        }
        return OrtRunner.allocateInput(floats);
    }

    synchronized void release(FloatBuffer b) {
        if (b != null && free.size() < KEEP) {
            free.addLast(b);
        }
    }
}
