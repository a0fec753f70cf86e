package io.yolostream.detector.decode;

import java.util.List;

/**
 * One darknet {@code detection} that passed the objectness threshold, with its class probabilities kept sparse
 * (only the nonzero ones) so a 9418-class WordTree model costs no 9418-float array per anchor. NMS zeroes entries
 * of {@link #probs} in place; a candidate belongs to one decode call.
 */
final class Candidate {
    /** Darknet's detection index {@code anchor*gridW*gridH + cell}: the order darknet lists them in. */
    final int index;
    final RegionBox box;
    final float objectness;
    /** Class ids with a nonzero probability, ascending. */
    final int[] classIds;
    /** Darknet's {@code prob[class]} for each of {@link #classIds}. */
    final float[] probs;
    /** Flat models: the class probability (softmax or logistic) of each of {@link #classIds}; null for trees. */
    final float[] conditionals;
    /** WordTree models: root-to-node path of the chosen node; null for flat models. */
    final List<DetectedBox.PathNode> path;
    /** Scratch for NMS: slot in {@link #classIds} of the class being processed, or -1. */
    int slot;

    Candidate(int index, RegionBox box, float objectness, int[] classIds, float[] probs, float[] conditionals,
              List<DetectedBox.PathNode> path) {
        this.index = index;
        this.box = box;
        this.objectness = objectness;
        this.classIds = classIds;
        this.probs = probs;
        this.conditionals = conditionals;
        this.path = path;
    }

    /** {@code prob[classId]} (0 when absent). */
    float prob(int classId) {
        int s = java.util.Arrays.binarySearch(classIds, classId);
        return s < 0 ? 0 : probs[s];
    }
}
