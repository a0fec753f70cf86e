package io.yolostream.sinks.hierarchy;

import io.yolostream.detector.avro.DetectedObject;
import io.yolostream.detector.avro.PathNode;
import io.yolostream.sinks.avro.RoutedPathNode;
import io.yolostream.wordtree.LabelNames;
import io.yolostream.wordtree.WordTree;
import io.yolostream.wordtree.WordTreeException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The WordTree the sinks route on (optional), its node names, and the map of a flat model onto it. Gives each
 * detected object its path:
 * <ol>
 * <li>a flat class (a one-node path) whose label is in the map: the tree path to the mapped node (ancestors with
 * conditional 1, every node with the object's score as probability);</li>
 * <li>a path whose label ids are tree indices with the tree's names (YOLO9000): that path, with WordNet ids;</li>
 * <li>otherwise the path as the detector wrote it (a flat model without a tree: one level, the label).</li>
 * </ol>
 */
public final class Hierarchy {
    /** No tree: paths stay as the detector wrote them; subscriptions match node names. */
    public static final Hierarchy FLAT = new Hierarchy(null, null, "(no tree)");

    private final WordTree tree;
    private final List<String> names;
    private final String source;
    private final Map<String, Integer> byId = new HashMap<>();
    private final Map<String, List<Integer>> byName = new HashMap<>();
    private ClassMap map;

    private Hierarchy(WordTree tree, List<String> names, String source) {
        this.tree = tree;
        this.names = names;
        this.source = source;
        if (tree != null) {
            for (int i = 0; i < tree.size(); i++) {
                byId.putIfAbsent(tree.id(i), i);
                byName.computeIfAbsent(key(name(i)), k -> new ArrayList<>()).add(i);
            }
        }
    }

    /** A tree with its names (null: nodes are named by their ids), without a map. */
    public static Hierarchy of(WordTree tree, List<String> names, String source) {
        if (names != null && names.size() != tree.size()) {
            throw new WordTreeException("names of tree " + source + ": expected " + tree.size() + " (one per tree node), found "
                    + names.size());
        }
        return new Hierarchy(tree, names == null ? null : List.copyOf(names), source);
    }

    /**
     * Loads tree, names and map (each may be blank); every problem goes to {@code problems}.
     */
    public static Hierarchy load(String treeFile, String namesFile, String mapSpec, List<String> problems) {
        boolean hasTree = !blank(treeFile);
        if (!hasTree) {
            if (!blank(namesFile)) {
                problems.add("names: given without tree (names name the nodes of a WordTree), found names="
                        + namesFile);
            }
            if (!blank(mapSpec)) {
                problems.add("map: expected a tree to map onto (tree=9k.tree), found map=" + mapSpec
                        + " without tree");
            }
            return FLAT;
        }
        Path tp = Path.of(treeFile.strip());
        if (!Files.isRegularFile(tp)) {
            problems.add("tree: expected a WordTree file (darknet .tree: 'id parent_index' lines), found no file "
                    + tp);
            return FLAT;
        }
        WordTree tree;
        List<String> names = null;
        Hierarchy h;
        try {
            tree = WordTree.read(tp);
            if (!blank(namesFile)) {
                names = LabelNames.read(Path.of(namesFile.strip()));
            }
            h = of(tree, names, tp.toString());
        } catch (WordTreeException e) {
            problems.add("tree/names: " + e.getMessage());
            return FLAT;
        }
        if (!blank(mapSpec)) {
            h.map = ClassMap.load(mapSpec, h, problems);
        }
        return h;
    }

    /** This hierarchy with a class map (for tests and programmatic use). */
    public Hierarchy withMap(ClassMap classMap) {
        Hierarchy h = new Hierarchy(tree, names, source);
        h.map = classMap;
        return h;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static String key(String name) {
        return name.strip().toLowerCase(Locale.ROOT);
    }

    public boolean hasTree() {
        return tree != null;
    }

    public String source() {
        return source;
    }

    public ClassMap map() {
        return map;
    }

    public int size() {
        return tree == null ? 0 : tree.size();
    }

    /** A node's name: from the names file, else its id. */
    public String name(int node) {
        return names != null ? names.get(node) : tree.id(node);
    }

    public String wordnetId(int node) {
        return tree.id(node);
    }

    /** The node with this WordNet id (the first line of the tree with it). */
    public OptionalInt indexOfId(String id) {
        Integer i = byId.get(id.strip());
        return i == null ? OptionalInt.empty() : OptionalInt.of(i);
    }

    /** Every node with this name (ignoring case): names repeat across senses, e.g. three "car"s in 9k. */
    public List<Integer> indicesOfName(String name) {
        return byName.getOrDefault(key(name), List.of());
    }

    /** Null when {@code ref} (WordNet id, {@code #index} or unique name) names one node, else what is wrong. */
    String resolveRef(String ref) {
        if (ref.startsWith("#")) {
            try {
                int i = Integer.parseInt(ref.substring(1));
                return i >= 0 && i < tree.size() ? null : "expected #index in 0.." + (tree.size() - 1) + ", found " + ref;
            } catch (NumberFormatException e) {
                return "expected #index, found " + ref;
            }
        }
        if (byId.containsKey(ref)) {
            return null;
        }
        List<Integer> n = indicesOfName(ref);
        if (n.size() == 1) {
            return null;
        }
        if (n.isEmpty()) {
            return "expected a WordNet id or node name of tree " + source + ", found '" + ref + "'";
        }
        return "'" + ref + "' names " + n.size() + " nodes of tree " + source + " ("
                + n.stream().map(this::wordnetId).toList() + "): expected one; use its WordNet id";
    }

    int indexOfRef(String ref) {
        if (ref.startsWith("#")) {
            return Integer.parseInt(ref.substring(1));
        }
        Integer i = byId.get(ref);
        return i != null ? i : indicesOfName(ref).get(0);
    }

    /** The object's path from the root (see the class comment for the three cases). */
    public List<RoutedPathNode> pathOf(DetectedObject o) {
        List<PathNode> given = o.getPath();
        if (tree != null && map != null && given.size() <= 1) {
            OptionalInt mapped = map.node(o.getLabel());
            if (mapped.isPresent()) {
                float leafConditional = given.isEmpty() ? 1f : given.get(0).getConditional();
                int[] path = tree.pathTo(mapped.getAsInt());
                List<RoutedPathNode> out = new ArrayList<>(path.length);
                for (int i = 0; i < path.length; i++) {
                    boolean leaf = i == path.length - 1;
                    out.add(new RoutedPathNode(name(path[i]), wordnetId(path[i]), path[i],
                            leaf ? leafConditional : 1f, o.getScore()));
                }
                return out;
            }
        }
        if (given.isEmpty()) {
            return List.of(new RoutedPathNode(o.getLabel(), null, -1, 1f, o.getScore()));
        }
        boolean onTree = tree != null;
        for (int k = 0; onTree && k < given.size(); k++) {
            PathNode p = given.get(k);
            int id = p.getLabelId();
            onTree = id >= 0 && id < tree.size() && (names == null || names.get(id).equals(p.getName()));
        }
        List<RoutedPathNode> out = new ArrayList<>(given.size());
        for (PathNode p : given) {
            out.add(new RoutedPathNode(p.getName(), onTree ? wordnetId(p.getLabelId()) : null,
                    onTree ? p.getLabelId() : -1, p.getConditional(), p.getProbability()));
        }
        return out;
    }
}
