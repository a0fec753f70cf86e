package io.yolostream.sinks.track;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A track's hierarchical label: WordTree path evidence accumulated over its frames.
 * <p>
 * Each frame in which the track is matched adds, for every node of that detection's path, the frame's evidence
 * {@code e(node)} = the product of the conditional probabilities from the root down to the node (P(node | object)),
 * weighted by the detection's objectness {@code w}. A node's support is
 * {@code Σ w·e(node) / (Σ w + prior)}: the weighted mean evidence, pulled towards 0 by {@code prior} frames of no
 * evidence, so shallow nodes (evidence near 1 in every frame) pass the threshold first and deeper ones once enough
 * frames agree. Support never grows down a path (a child's evidence is at most its parent's), and the supports of
 * siblings sum to at most their parent's; with a threshold above 0.5 at most one child of a node passes it, so the
 * nodes passing the threshold form a single path from the root.
 * <p>
 * The label is the deepest node passing {@code threshold}. It deepens as soon as a descendant passes; it only moves
 * back up (or over to a sibling) once its own support falls below {@code threshold − hysteresis}, and a sibling can
 * only become the label by passing the threshold itself — so it never flips between siblings without the evidence
 * for the new one. {@code threshold − hysteresis ≥ 1 − threshold} keeps the label and a passing sibling apart.
 */
public final class TrackLabel {
    /** Nodes remembered per track at most (a track seen under many labels keeps the best supported). */
    static final int MAX_NODES = 128;

    /** One node's accumulated evidence. */
    public record Evidence(String key, String name, String wordnetId, int labelId, String parentKey, int depth,
                           double sum) {
    }

    private final Map<String, Evidence> nodes = new LinkedHashMap<>();
    private double weightSum;
    private String current;

    public TrackLabel() {
    }

    /** A label from its saved evidence. */
    public static TrackLabel restore(List<Evidence> evidence, double weightSum, String current) {
        TrackLabel l = new TrackLabel();
        evidence.forEach(e -> l.nodes.put(e.key(), e));
        l.weightSum = weightSum;
        l.current = current != null && l.nodes.containsKey(current) ? current : null;
        return l;
    }

    public List<Evidence> evidence() {
        return List.copyOf(nodes.values());
    }

    public double weightSum() {
        return weightSum;
    }

    /** The key of the label node, or null while nothing passes the threshold. */
    public String currentKey() {
        return current;
    }

    public boolean isEmpty() {
        return nodes.isEmpty();
    }

    /** Adds one frame's path (root first) with the detection's weight, then applies the label rule. */
    public void add(List<LabelNode> path, double weight, TrackerParams p) {
        if (path.isEmpty() || !(weight > 0)) {
            return;
        }
        weightSum += weight;
        double e = 1;
        String parent = null;
        for (int d = 0; d < path.size(); d++) {
            LabelNode n = path.get(d);
            e *= Math.max(0, Math.min(1, n.conditional()));
            double add = weight * e;
            String parentKey = parent;
            int depth = d;
            nodes.merge(n.key(), new Evidence(n.key(), n.name(), n.wordnetId(), n.labelId(), parentKey, depth, add),
                    (old, x) -> new Evidence(old.key(), old.name(), old.wordnetId(), old.labelId(), old.parentKey(),
                            old.depth(), old.sum() + add));
            parent = n.key();
        }
        if (nodes.size() > MAX_NODES) {
            prune();
        }
        relabel(p);
    }

    /** Support of a node (0 when never seen). */
    public double support(String key, TrackerParams p) {
        Evidence e = nodes.get(key);
        return e == null ? 0 : e.sum() / (weightSum + p.labelPrior());
    }

    private void relabel(TrackerParams p) {
        Evidence best = null;
        double bestSupport = 0;
        for (Evidence e : nodes.values()) {
            double s = support(e.key(), p);
            if (s >= p.labelThreshold() && (best == null || e.depth() > best.depth()
                    || e.depth() == best.depth() && s > bestSupport)) {
                best = e;
                bestSupport = s;
            }
        }
        String candidate = best == null ? null : best.key();
        if (current == null || candidate != null && isAncestorOrSelf(current, candidate)) {
            current = candidate;
        } else if (support(current, p) < p.labelThreshold() - p.labelHysteresis()) {
            current = candidate;
        }
    }

    /** Whether {@code ancestor} is {@code node} or on its path to the root. */
    boolean isAncestorOrSelf(String ancestor, String node) {
        for (String k = node; k != null; ) {
            if (k.equals(ancestor)) {
                return true;
            }
            Evidence e = nodes.get(k);
            k = e == null ? null : e.parentKey();
        }
        return false;
    }

    /** The label's path, root first, each node with its support; empty while nothing passes. */
    public List<LabelSupport> path(TrackerParams p) {
        if (current == null) {
            return List.of();
        }
        List<LabelSupport> out = new ArrayList<>();
        for (String k = current; k != null; ) {
            Evidence e = nodes.get(k);
            if (e == null) {
                break;
            }
            out.add(new LabelSupport(e.key(), e.name(), e.wordnetId(), e.labelId(), support(k, p)));
            k = e.parentKey();
        }
        Collections.reverse(out);
        return out;
    }

    /** Drops the least supported nodes that are not on the label's path. */
    private void prune() {
        List<Evidence> all = new ArrayList<>(nodes.values());
        // least evidence first; on ties the deeper first, so no node outlives its parent
        all.sort((a, b) -> a.sum() != b.sum() ? Double.compare(a.sum(), b.sum()) : Integer.compare(b.depth(), a.depth()));
        for (Evidence e : all) {
            if (nodes.size() <= MAX_NODES * 3 / 4) {
                break;
            }
            if (current == null || !isAncestorOrSelf(e.key(), current)) {
                nodes.remove(e.key());
            }
        }
    }
}
