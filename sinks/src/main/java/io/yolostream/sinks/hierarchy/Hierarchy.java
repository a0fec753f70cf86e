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
 * The sinks route on one tree (see {@link #load}): with a map, {@code map-tree} (default: {@code tree}, else the
 * model's own, else the shipped YOLO9000 9k tree); without one, {@code tree} or the model's own (YOLO9000), else
 * none.
 */
public final class Hierarchy {
    /** The tree spec that names the YOLO9000 tree shipped in yolostream-wordtree (darknet's 9k.tree). */
    public static final String SHIPPED_9K = "9k";

    /** No tree: paths stay as the detector wrote them; subscriptions match node names. */
    public static final Hierarchy FLAT = new Hierarchy(null, null, "(no tree)");

    /**
     * The routing options as the user gave them (each may be blank).
     *
     * @param tree     a YOLO9000 model's tree: a .tree file or {@value #SHIPPED_9K}
     * @param names    the names of {@code tree}'s nodes
     * @param map      voc, coco, a map file, {@code none} or {@code auto} (blank = auto)
     * @param mapTree  the tree a map places classes on: a .tree file or {@value #SHIPPED_9K}
     * @param mapNames the names of {@code mapTree}'s nodes
     */
    public record Options(String tree, String names, String map, String mapTree, String mapNames) {
    }

    private final WordTree tree;
    private final List<String> names;
    private final String source;
    private final Map<String, Integer> byId = new HashMap<>();
    private final Map<String, List<Integer>> byName = new HashMap<>();
    private ClassMap map;
    private List<String> modelLabels;
    private String description;

    private Hierarchy(WordTree tree, List<String> names, String source) {
        this.tree = tree;
        this.names = names;
        this.source = source;
        this.description = tree == null ? "no WordTree: paths as the detector wrote them, subscriptions match labels"
                : "WordTree " + source + " (" + tree.size() + " nodes)";
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

    /** The tree, names and map of the standalone sinks (no model known); every problem goes to {@code problems}. */
    public static Hierarchy load(String treeFile, String namesFile, String mapSpec, List<String> problems) {
        return load(new Options(treeFile, namesFile, mapSpec, null, null), null, problems);
    }

    /**
     * Chooses the one routing tree and the map, loads them, and says which in {@link #describe()}:
     * <ul>
     * <li>map: {@code none}; a built-in ({@code voc}, {@code coco}) or a file; or {@code auto} (the default): the
     * built-in map made for {@code model}'s class names when it is a flat model, else none;</li>
     * <li>with a map, the tree is {@code mapTree}, else {@code tree}, else the model's own, else the shipped 9k;
     * without one, {@code tree}, else a YOLO9000 model's own, else none.</li>
     * </ul>
     *
     * @param model the model whose detections are routed, when known (the all-in-one), else null
     */
    public static Hierarchy load(Options o, ModelClasses model, List<String> problems) {
        String spec = blank(o.map()) ? "auto" : o.map().strip();
        String lower = spec.toLowerCase(Locale.ROOT);
        String mapSpec = null;
        String why;
        if (lower.equals("none")) {
            why = "no map (map none)";
        } else if (lower.equals("auto")) {
            if (model == null) {
                why = "no map (map auto: the model is not known here; give map voc, coco or a file for a flat model)";
            } else if (model.hierarchical()) {
                why = "no map (map auto: " + model.model() + " predicts on its own WordTree)";
            } else {
                mapSpec = ClassMap.builtInFor(model.names()).orElse(null);
                why = mapSpec != null
                        ? "map auto: chosen from the model's " + model.names().size() + " class names"
                        : "no map (map auto: no built-in map fits the " + model.names().size() + " classes of "
                        + model.model() + "; give map FILE to place them on a tree)";
            }
        } else {
            mapSpec = spec;
            why = null;
        }
        boolean hasMap = mapSpec != null;
        if (!blank(o.mapNames()) && blank(o.mapTree())) {
            problems.add("map-names: given without map-tree (they name its nodes; the shipped 9k tree has its own), "
                    + "found map-names=" + o.mapNames());
        }
        if (!hasMap && !blank(o.mapTree())) {
            problems.add("map-tree: expected a map to place classes on it (map voc, coco or FILE), found map-tree="
                    + o.mapTree() + " with " + why);
        }
        if (hasMap && !blank(o.mapTree()) && !blank(o.tree())) {
            problems.add("map-tree: the sinks route on one tree, found tree=" + o.tree() + " and map-tree="
                    + o.mapTree() + " (give the map for the tree of the model: map-tree = tree, or leave it out)");
        }
        Hierarchy h;
        if (hasMap && !blank(o.mapTree())) {
            h = tree(o.mapTree(), o.mapNames(), "map-tree", "map-names", problems);
        } else if (!blank(o.tree())) {
            h = tree(o.tree(), o.names(), "tree", "names", problems);
        } else {
            if (!blank(o.names())) {
                problems.add("names: given without tree (names name the nodes of a WordTree), found names="
                        + o.names());
            }
            if (model != null && model.hierarchical()) {
                h = of(model.tree(), model.names(), model.model() + "'s own tree");
            } else if (hasMap) {
                h = of(WordTree.shipped9k(), LabelNames.shipped9k(), "9k.tree (shipped)");
            } else {
                h = FLAT;
            }
        }
        if (h == FLAT) {
            h = new Hierarchy(null, null, FLAT.source);
        }
        if (model != null && !model.hierarchical()) {
            h.modelLabels = model.names();
        }
        if (hasMap && h.hasTree()) {
            h.map = ClassMap.load(mapSpec, h, problems);
        }
        StringBuilder d = new StringBuilder(h.description);
        if (h.map != null) {
            d.append(", ").append(h.map.source()).append(" (").append(h.map.size()).append(" classes")
                    .append(why != null ? "; " + why : "").append(')');
        } else if (why != null) {
            d.append(", ").append(why);
        }
        h.description = d.toString();
        return h;
    }

    /** A tree given by spec: {@value #SHIPPED_9K} or a .tree file, with its names file (may be blank). */
    private static Hierarchy tree(String spec, String namesFile, String key, String namesKey,
                                  List<String> problems) {
        String t = spec.strip();
        try {
            if (t.equalsIgnoreCase(SHIPPED_9K)) {
                List<String> names = blank(namesFile) ? LabelNames.shipped9k()
                        : LabelNames.read(Path.of(namesFile.strip()));
                return of(WordTree.shipped9k(), names, "9k.tree (shipped)");
            }
            Path tp = Path.of(t);
            if (!Files.isRegularFile(tp)) {
                problems.add(key + ": expected a WordTree file (darknet .tree: 'id parent_index' lines) or "
                        + SHIPPED_9K + " (the shipped YOLO9000 tree), found no file " + tp);
                return FLAT;
            }
            WordTree tree = WordTree.read(tp);
            List<String> names = blank(namesFile) ? null : LabelNames.read(Path.of(namesFile.strip()));
            return of(tree, names, tp.toString());
        } catch (WordTreeException e) {
            problems.add(key + "/" + namesKey + ": " + e.getMessage());
            return FLAT;
        }
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

    /** Which tree and map route, and why (for the start-up log and the all-in-one's banner). */
    public String describe() {
        return description;
    }

    /** The classes of a flat model known to the sinks (the all-in-one), else null. */
    public List<String> modelLabels() {
        return modelLabels;
    }

    /** Every node's name (with repeats: names repeat across senses). */
    public List<String> nodeNames() {
        return names != null ? names : tree == null ? List.of() : tree.ids();
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
