package io.yolostream.wordtree;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Darknet's {@code 9k.tree} and {@code 9k.names} (public domain: {@code LICENSE.darknet}), resources of this jar, so
 * that the YOLO9000 tree needs no file of the user's. Loaded once, when first asked for (a holder class: the JVM
 * makes the initialisation thread-safe).
 */
final class Shipped9k {
    /** Where the files are in the jar, and how errors and logs name them. */
    static final String TREE_RESOURCE = "9k.tree";
    static final String NAMES_RESOURCE = "9k.names";

    static final WordTree TREE = WordTree.parse(lines(TREE_RESOURCE), "9k.tree (shipped)");
    static final List<String> NAMES = List.copyOf(LabelNames.parse(lines(NAMES_RESOURCE)));

    static {
        if (NAMES.size() != TREE.size()) {
            throw new WordTreeException("shipped 9k.names: expected one name per node of 9k.tree (" + TREE.size()
                    + "), found " + NAMES.size());
        }
    }

    private Shipped9k() {
    }

    private static List<String> lines(String resource) {
        try (InputStream in = Shipped9k.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new WordTreeException("shipped " + resource + ": expected it in the yolostream-wordtree jar "
                        + "(io/yolostream/wordtree/" + resource + "), found it missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new WordTreeException("shipped " + resource + ": cannot read it: " + e.getMessage(), e);
        }
    }
}
