package io.yolostream.sinks.hierarchy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Turns {@code --subscribe dog,animal,n02121620} into subscriptions with unique topics. Topic rule: a subscription
 * gets {@code <prefix>.<sanitize(name)>} ({@link TopicNames}). When that topic is taken (by an earlier subscription
 * in the list, or by one of the sinks' own topics such as {@code detections.counts}), it gets
 * {@code <prefix>.<sanitize(name)>.<wordnet id>} when it names one node, else {@code .<8 hex of the name's SHA-256>};
 * still taken, a counter {@code -2}, {@code -3}, ... follows. The same node subscribed twice counts once.
 */
public final class Subscriptions {
    private Subscriptions() {
    }

    /** What is wrong with a name the tree does not have, with the names closest to it. */
    static String unknownNode(String token, Hierarchy h) {
        StringBuilder m = new StringBuilder("subscribe: expected a WordNet id or node name of tree " + h.source()
                + ", found '" + token + "'");
        ClassMap map = h.map();
        OptionalInt mapped = map == null ? OptionalInt.empty() : map.node(token);
        if (mapped.isPresent()) {
            // a model's label that the map places under another name (tvmonitor -> display)
            int n = mapped.getAsInt();
            m.append(": a class of the model, placed by ").append(map.source()).append(" at node '")
                    .append(h.name(n)).append("' (").append(h.wordnetId(n)).append("): subscribe to that");
            return m.toString();
        }
        if (token.matches("n\\d{8}")) {
            return m.append(" (no node has that WordNet id)").toString();
        }
        String close = closeList(token, h.nodeNames());
        return m.append(close.isEmpty() ? " (no node name is close to it)" : close).toString();
    }

    private static String closeList(String token, List<String> names) {
        List<String> close = NameSuggestions.closeTo(token, names);
        return close.isEmpty() ? "" : "; close names: " + String.join(", ", close);
    }

    /**
     * @param reserved topics the subscriptions must not take (the sinks' other outputs, the input)
     */
    public static List<Subscription> resolve(List<String> tokens, Hierarchy h, String prefix, Set<String> reserved,
                                             List<String> problems) {
        List<Subscription> out = new ArrayList<>();
        Set<String> taken = new HashSet<>(reserved);
        Set<String> seen = new HashSet<>();
        for (String raw : tokens) {
            String token = raw.strip();
            if (token.isEmpty()) {
                continue;
            }
            String name;
            String wnid = null;
            Set<Integer> nodes = new LinkedHashSet<>();
            if (h.hasTree()) {
                OptionalInt byId = h.indexOfId(token);
                if (byId.isPresent()) {
                    nodes.add(byId.getAsInt());
                    name = h.name(byId.getAsInt());
                    wnid = token;
                } else {
                    List<Integer> byName = h.indicesOfName(token);
                    if (byName.isEmpty()) {
                        problems.add(unknownNode(token, h));
                        continue;
                    }
                    nodes.addAll(byName);
                    name = token;
                    wnid = byName.size() == 1 ? h.wordnetId(byName.get(0)) : null;
                }
            } else {
                List<String> labels = h.modelLabels();
                if (labels != null && labels.stream().noneMatch(l -> l.equalsIgnoreCase(token))) {
                    problems.add("subscribe: expected one of the model's classes (a flat model without a map: its "
                            + "paths are its labels), found '" + token + "'" + closeList(token, labels)
                            + "; to place its classes on a WordTree give --map FILE (voc and coco are built in)");
                    continue;
                }
                name = token;
            }
            String identity = nodes.isEmpty() ? "name:" + name.toLowerCase(Locale.ROOT) : "nodes:" + nodes;
            if (!seen.add(identity)) {
                continue;
            }
            String base = TopicNames.sanitize(name);
            String topic = TopicNames.topic(prefix, base, name);
            if (taken.contains(topic)) {
                String extra = wnid != null ? TopicNames.sanitize(wnid) : TopicNames.hash8(name);
                topic = TopicNames.topic(prefix, base + "." + extra, name + "." + extra);
            }
            String candidate = topic;
            for (int n = 2; taken.contains(candidate); n++) {
                candidate = TopicNames.topic(prefix, topic.substring(prefix.length() + 1) + "-" + n, name + n);
            }
            taken.add(candidate);
            out.add(new Subscription(token, name, wnid, nodes, candidate));
        }
        return List.copyOf(out);
    }
}
