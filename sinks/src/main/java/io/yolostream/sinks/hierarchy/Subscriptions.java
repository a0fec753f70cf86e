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
                        problems.add("subscribe: expected a WordNet id or node name of tree " + h.source()
                                + ", found '" + token + "'");
                        continue;
                    }
                    nodes.addAll(byName);
                    name = token;
                    wnid = byName.size() == 1 ? h.wordnetId(byName.get(0)) : null;
                }
            } else {
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
