package io.yolostream.detector.decode;

import java.util.List;

/**
 * One detected object.
 *
 * @param box        in pixels of the original image, clipped to it
 * @param objectness the region layer's objectness (logistic)
 * @param labelId    the reported class (flat models: highest-scoring class above the threshold; WordTree models:
 *                   the node chosen by the hierarchy walk)
 * @param label      its name
 * @param score      its probability as darknet reports it (objectness x class probability; for WordTree models the
 *                   objectness alone, as darknet does)
 * @param path       root-to-node WordTree path with conditional and absolute probabilities; one element for flat models
 * @param classes    every class of this box above the threshold after NMS, by class id (as darknet prints them)
 */
public record DetectedBox(Box box, float objectness, int labelId, String label, float score, List<PathNode> path,
                          List<ClassScore> classes) {

    public record Box(float left, float top, float width, float height) {
    }

    public record PathNode(int labelId, String name, float conditional, float probability) {
    }

    public record ClassScore(int id, String name, float prob) {
    }
}
