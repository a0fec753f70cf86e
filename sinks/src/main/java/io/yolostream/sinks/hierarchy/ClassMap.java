package io.yolostream.sinks.hierarchy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Places a flat model's classes (VOC, COCO, ...) on a WordTree: class label → tree node. Map files have one
 * {@code label = node} line per class; the node is a WordNet id ({@code n02084071}), {@code #index} (0-based line
 * of the .tree file, as darknet's {@code coco9k.map} counts) or a node name that names one node only. A line starting
 * with {@code #}, or {@code " # "} and what follows, is a comment. Built-ins: {@code voc} and {@code coco} (targets in
 * the YOLO9000 9k tree, as WordNet ids). Labels match exactly, else ignoring case, spaces and underscores.
 */
public final class ClassMap {
    public static final List<String> BUILT_INS = List.of("voc", "coco");

    private final String source;
    private final Map<String, Integer> exact;
    private final Map<String, Integer> loose = new LinkedHashMap<>();

    private ClassMap(String source, Map<String, Integer> nodes) {
        this.source = source;
        this.exact = Map.copyOf(nodes);
        nodes.forEach((k, v) -> loose.putIfAbsent(loosen(k), v));
    }

    /**
     * @param spec     {@code voc}, {@code coco} or a map file
     * @param problems where unreadable files, bad lines and unknown nodes go (a built-in's entries missing from a
     *                 small tree are dropped, unless all are)
     */
    public static ClassMap load(String spec, Hierarchy tree, List<String> problems) {
        String s = spec.strip();
        boolean builtIn = BUILT_INS.contains(s.toLowerCase(Locale.ROOT));
        List<String> lines;
        String source;
        if (builtIn) {
            source = "built-in map " + s.toLowerCase(Locale.ROOT);
            lines = builtInLines(s.toLowerCase(Locale.ROOT));
        } else {
            source = "map file " + s;
            try {
                lines = Files.readAllLines(Path.of(s), StandardCharsets.UTF_8);
            } catch (IOException e) {
                problems.add("map: expected voc, coco, auto, none or a readable map file, found '" + s + "' (" + e
                        + ")");
                return null;
            }
        }
        Map<String, Integer> nodes = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        int entries = 0;
        int lineNo = 0;
        for (String raw : lines) {
            lineNo++;
            String line = raw.replaceFirst("\\s+#\\s.*$", "").strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0 || eq == line.length() - 1) {
                problems.add(source + ":" + lineNo + ": expected 'label = node', found '" + raw.strip() + "'");
                continue;
            }
            entries++;
            String label = line.substring(0, eq).strip();
            String ref = line.substring(eq + 1).strip();
            String why = tree.resolveRef(ref);
            if (why != null) {
                missing.add(source + ":" + lineNo + ": node of '" + label + "': " + why);
                continue;
            }
            nodes.put(label, tree.indexOfRef(ref));
        }
        if (builtIn && !nodes.isEmpty()) {
            // a built-in map on a smaller tree keeps what the tree has; the rest stay flat (one-level paths)
            missing.clear();
        }
        if (builtIn && nodes.isEmpty() && entries > 0) {
            problems.add(source + ": expected its WordNet ids in tree " + tree.source()
                    + " (the built-in maps target YOLO9000's 9k tree, the default map-tree), found none of its "
                    + entries);
        }
        problems.addAll(missing);
        return new ClassMap(source, nodes);
    }

    /**
     * The built-in map made for a model with these class names: {@code voc} or {@code coco} when the names are
     * exactly that dataset's classes (in any order; case, spaces and underscores ignored), else empty. A model
     * trained on a subset or with renamed classes gets none: its labels would only partly match.
     */
    public static Optional<String> builtInFor(List<String> modelNames) {
        Set<String> names = new HashSet<>();
        modelNames.forEach(n -> names.add(loosen(n.strip())));
        for (String b : BUILT_INS) {
            if (names.size() == modelNames.size() && names.equals(builtInLabels(b))) {
                return Optional.of(b);
            }
        }
        return Optional.empty();
    }

    /** The class labels of a built-in map (loosened). */
    static Set<String> builtInLabels(String builtIn) {
        Set<String> labels = new HashSet<>();
        for (String raw : builtInLines(builtIn)) {
            String line = raw.replaceFirst("\\s+#\\s.*$", "").strip();
            int eq = line.indexOf('=');
            if (!line.startsWith("#") && eq > 0) {
                labels.add(loosen(line.substring(0, eq).strip()));
            }
        }
        return labels;
    }

    private static List<String> builtInLines(String builtIn) {
        try (InputStream in = ClassMap.class.getResourceAsStream(builtIn + ".map")) {
            if (in == null) {
                throw new IllegalStateException("built-in map " + builtIn + " missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new IllegalStateException("built-in map " + builtIn + ": cannot read it from the jar: " + e, e);
        }
    }

    private static String loosen(String label) {
        return label.toLowerCase(Locale.ROOT).replace(" ", "").replace("_", "");
    }

    /** The tree node of a flat label, if mapped. */
    public OptionalInt node(String label) {
        Integer n = exact.get(label);
        if (n == null) {
            n = loose.get(loosen(label));
        }
        return n == null ? OptionalInt.empty() : OptionalInt.of(n);
    }

    public int size() {
        return exact.size();
    }

    public String source() {
        return source;
    }
}
