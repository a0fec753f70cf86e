package io.yolostream.sinks.tracking;

import io.yolostream.detector.avro.DetectedObject;
import io.yolostream.sinks.avro.RoutedPathNode;
import io.yolostream.sinks.config.SinksConfig;
import io.yolostream.sinks.hierarchy.Hierarchy;
import io.yolostream.sinks.hierarchy.Subscription;
import io.yolostream.sinks.track.LabelNode;
import io.yolostream.sinks.track.LabelSupport;
import io.yolostream.sinks.track.TrackerParams;

import java.util.ArrayList;
import java.util.List;

/**
 * What every camera's tracker shares: the tracker's settings, the WordTree (paths of the detected objects) and the
 * subscription filter (a track is reported once its label path holds a subscribed node; every track when there are
 * no subscriptions).
 *
 * @param idleEndMs wall-clock time without frames from a camera after which its tracks end (reason idle)
 */
public record Tracking(TrackerParams params, Hierarchy hierarchy, List<Subscription> subscriptions, long idleEndMs) {
    public Tracking {
        subscriptions = List.copyOf(subscriptions);
    }

    /** The settings of the sinks configuration. */
    public static Tracking of(SinksConfig c) {
        return new Tracking(c.trackerParams(), c.hierarchy(), c.subscriptions(), c.trackIdleEnd().toMillis());
    }

    /** The object's path as the tracker takes it (the hierarchy's path: mapped flat classes, 9k ids). */
    public List<LabelNode> path(DetectedObject o) {
        List<RoutedPathNode> nodes = hierarchy.pathOf(o);
        List<LabelNode> out = new ArrayList<>(nodes.size());
        for (RoutedPathNode n : nodes) {
            out.add(LabelNode.of(n.getName(), n.getWordnetId(), n.getLabelId(), n.getConditional()));
        }
        return out;
    }

    /** Whether a label path passes the subscription filter. */
    public boolean passes(List<LabelSupport> path) {
        return subscriptions.isEmpty() || !subscriptionsOf(path).isEmpty();
    }

    /** The subscriptions a label path matches (any node of it). */
    public List<Subscription> subscriptionsOf(List<LabelSupport> path) {
        List<Subscription> out = new ArrayList<>();
        for (Subscription s : subscriptions) {
            for (LabelSupport n : path) {
                if (s.matches(new RoutedPathNode(n.name(), n.wordnetId(), n.labelId(), (float) n.support(),
                        (float) n.support()))) {
                    out.add(s);
                    break;
                }
            }
        }
        return out;
    }
}
