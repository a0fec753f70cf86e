package io.yolostream.wordtree;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * YOLO9000's WordTree, read the way darknet's {@code read_tree} reads a {@code .tree} file: one
 * {@code id parent_index} per line (-1 = root); consecutive lines with the same parent form one softmax group.
 * Group 0 is the first group (the roots).
 */
public final class WordTree {
    private final List<String> ids;
    private final int[] parent;
    private final int[] child;        // group index of a node's children, -1 for leaves
    private final int[] group;        // group index of each node
    private final int[] groupOffset;
    private final int[] groupSize;

    private WordTree(List<String> ids, int[] parent) {
        this.ids = List.copyOf(ids);
        this.parent = parent.clone();
        int n = parent.length;
        child = new int[n];
        group = new int[n];
        Arrays.fill(child, -1);
        List<Integer> offsets = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        int lastParent = -1;
        int groupStart = 0;
        for (int i = 0; i < n; i++) {
            int p = parent[i];
            if (p < -1 || p >= i) {
                throw new WordTreeException("WordTree node " + i + " (" + ids.get(i) + "): expected a parent index in -1.."
                        + (i - 1) + " (parents come before children), found " + p);
            }
            if (p != lastParent) {
                offsets.add(groupStart);
                sizes.add(i - groupStart);
                groupStart = i;
                lastParent = p;
            }
            group[i] = offsets.size();
            if (p >= 0) {
                if (child[p] >= 0 && child[p] != offsets.size()) {
                    throw new WordTreeException("WordTree node " + i + " (" + ids.get(i) + "): the children of node " + p
                            + " must be on consecutive lines, found them split into groups " + child[p] + " and "
                            + offsets.size());
                }
                child[p] = offsets.size();
            }
        }
        offsets.add(groupStart);
        sizes.add(n - groupStart);
        groupOffset = offsets.stream().mapToInt(Integer::intValue).toArray();
        groupSize = sizes.stream().mapToInt(Integer::intValue).toArray();
    }

    public static WordTree of(List<String> ids, int[] parents) {
        if (ids.size() != parents.length) {
            throw new WordTreeException("WordTree: expected one id per parent index, found " + ids.size() + " ids and "
                    + parents.length + " parents");
        }
        if (parents.length == 0) {
            throw new WordTreeException("WordTree: expected at least one node, found none");
        }
        return new WordTree(ids, parents);
    }

    /** Parses {@code .tree} text; {@code source} names the input in errors. */
    public static WordTree parse(List<String> lines, String source) {
        List<String> ids = new ArrayList<>();
        List<Integer> parents = new ArrayList<>();
        int lineNo = 0;
        for (String line : lines) {
            lineNo++;
            String t = line.strip();
            if (t.isEmpty()) {
                continue;
            }
            String[] parts = t.split("\\s+");
            if (parts.length != 2) {
                throw new WordTreeException(source + ":" + lineNo + ": expected 'id parent_index', found '" + t + "'");
            }
            try {
                parents.add(Integer.parseInt(parts[1]));
            } catch (NumberFormatException e) {
                throw new WordTreeException(source + ":" + lineNo + ": expected an integer parent index, found '"
                        + parts[1] + "'");
            }
            ids.add(parts[0]);
        }
        return of(ids, parents.stream().mapToInt(Integer::intValue).toArray());
    }

    /**
     * YOLO9000's tree (darknet's {@code data/9k.tree}: 9418 WordNet nodes, public domain, see {@code LICENSE.darknet}
     * beside it), shipped in this jar; parsed on first use, then shared (the tree is immutable).
     */
    public static WordTree shipped9k() {
        return Shipped9k.TREE;
    }

    public static WordTree read(Path file) {
        try {
            return parse(Files.readAllLines(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw new WordTreeException("WordTree file " + file + ": cannot read it: " + e.getMessage(), e);
        }
    }

    public int size() {
        return parent.length;
    }

    public List<String> ids() {
        return ids;
    }

    public String id(int node) {
        return ids.get(node);
    }

    public int parent(int node) {
        return parent[node];
    }

    public int[] parents() {
        return parent.clone();
    }

    /** Group index of the node's children, or -1 for a leaf. */
    public int childGroup(int node) {
        return child[node];
    }

    public int group(int node) {
        return group[node];
    }

    public int groups() {
        return groupOffset.length;
    }

    public int groupOffset(int g) {
        return groupOffset[g];
    }

    public int groupSize(int g) {
        return groupSize[g];
    }

    public boolean isLeaf(int node) {
        return child[node] < 0;
    }

    /** Node indices from the root down to {@code node}, inclusive. */
    public int[] pathTo(int node) {
        int depth = 0;
        for (int n = node; n >= 0; n = parent[n]) {
            depth++;
        }
        int[] path = new int[depth];
        for (int n = node, i = depth - 1; n >= 0; n = parent[n], i--) {
            path[i] = n;
        }
        return path;
    }
}
