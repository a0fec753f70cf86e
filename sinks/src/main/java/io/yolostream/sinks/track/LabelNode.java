package io.yolostream.sinks.track;

/**
 * One node of a detection's WordTree path, root first, as the tracker sees it.
 *
 * @param key         identifies the node across frames: {@code #<tree index>} on a tree, else {@code name:<name>}
 * @param wordnetId   null off a tree
 * @param labelId     the tree index, -1 off a tree
 * @param conditional P(node | parent) in this frame
 */
public record LabelNode(String key, String name, String wordnetId, int labelId, double conditional) {
    public static LabelNode of(String name, String wordnetId, int labelId, double conditional) {
        return new LabelNode(labelId >= 0 ? "#" + labelId : "name:" + name, name, wordnetId, labelId, conditional);
    }
}
