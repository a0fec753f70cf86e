package io.yolostream.sinks.hierarchy;

import io.yolostream.wordtree.WordTree;

import java.util.List;
import java.util.Objects;

/**
 * The classes of the model whose detections the sinks read, when the sinks run next to it (the all-in-one knows it;
 * the standalone sinks do not): a YOLO9000 model's tree routes its records, and a flat model's names choose the
 * built-in map ({@code map=auto}).
 *
 * @param model the model's name, for logs and errors
 * @param names one per class (for a YOLO9000 model: one per tree node)
 * @param tree  the model's WordTree, or null for a flat model
 */
public record ModelClasses(String model, List<String> names, WordTree tree) {
    public ModelClasses {
        Objects.requireNonNull(model, "model");
        names = List.copyOf(names);
        if (tree != null && tree.size() != names.size()) {
            throw new IllegalArgumentException("model " + model + ": expected one name per tree node (" + tree.size()
                    + "), found " + names.size());
        }
    }

    public boolean hierarchical() {
        return tree != null;
    }
}
