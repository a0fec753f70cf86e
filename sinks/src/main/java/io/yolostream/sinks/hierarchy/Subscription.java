package io.yolostream.sinks.hierarchy;

import io.yolostream.sinks.avro.RoutedPathNode;

import java.util.Set;

/**
 * One subscribed WordTree node and its topic.
 *
 * @param token     as the user wrote it ({@code dog}, {@code n02084071})
 * @param name      the node's name (the token, or the tree's name for a WordNet id)
 * @param wordnetId the WordNet id when the subscription names exactly one tree node, else null
 * @param nodes     tree indices it matches (empty without a tree: then it matches path nodes by name)
 * @param topic     where matching objects are routed
 */
public record Subscription(String token, String name, String wordnetId, Set<Integer> nodes, String topic) {
    public Subscription {
        nodes = Set.copyOf(nodes);
    }

    /** Whether a path node is (one of) this subscription's node(s). */
    public boolean matches(RoutedPathNode n) {
        if (!nodes.isEmpty() && n.getLabelId() >= 0) {
            return nodes.contains(n.getLabelId());
        }
        return n.getName().equalsIgnoreCase(name) || n.getName().equalsIgnoreCase(token);
    }
}
