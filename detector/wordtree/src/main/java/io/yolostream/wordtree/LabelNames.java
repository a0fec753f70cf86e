package io.yolostream.wordtree;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Darknet's names files: one class name per line (darknet's {@code get_labels}); blank trailing lines ignored. */
public final class LabelNames {
    private LabelNames() {
    }

    public static List<String> read(Path file) {
        try {
            return parse(Files.readAllLines(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new WordTreeException("names file " + file + ": cannot read it: " + e.getMessage(), e);
        }
    }

    /** The names of {@link WordTree#shipped9k()}'s nodes (darknet's {@code data/9k.names}), one per node. */
    public static List<String> shipped9k() {
        return Shipped9k.NAMES;
    }

    public static List<String> parse(List<String> fileLines) {
        List<String> lines = new ArrayList<>(fileLines);
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) {
            lines.remove(lines.size() - 1);
        }
        return lines.stream().map(String::strip).toList();
    }
}
