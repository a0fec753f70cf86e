package io.yolostream.sinks.hierarchy;

import io.yolostream.detector.avro.DetectedObject;
import io.yolostream.detector.avro.Detection;
import io.yolostream.detector.avro.DetectionStatus;
import io.yolostream.sinks.avro.RoutedDetection;
import io.yolostream.sinks.avro.RoutedPathNode;
import io.yolostream.sinks.avro.SubscribedNode;

import java.util.ArrayList;
import java.util.List;

/**
 * Routes each object of an OK detection to every subscribed node on its path: one {@link RoutedDetection} per
 * (object, subscription). Frames with another status are not routed (the health topology counts them).
 */
public final class Router {
    private final Hierarchy hierarchy;
    private final List<Subscription> subscriptions;

    public Router(Hierarchy hierarchy, List<Subscription> subscriptions) {
        this.hierarchy = hierarchy;
        this.subscriptions = List.copyOf(subscriptions);
    }

    public List<RoutedDetection> route(Detection d) {
        if (d.getStatus() != DetectionStatus.OK || subscriptions.isEmpty()) {
            return List.of();
        }
        List<RoutedDetection> out = new ArrayList<>();
        List<DetectedObject> objects = d.getObjects();
        for (int i = 0; i < objects.size(); i++) {
            DetectedObject o = objects.get(i);
            List<RoutedPathNode> path = hierarchy.pathOf(o);
            for (Subscription s : subscriptions) {
                if (path.stream().anyMatch(s::matches)) {
                    out.add(routed(d, i, o, path, s));
                }
            }
        }
        return out;
    }

    private static RoutedDetection routed(Detection d, int index, DetectedObject o, List<RoutedPathNode> path,
                                          Subscription s) {
        return RoutedDetection.newBuilder()
                .setCameraId(d.getCameraId()).setSequence(d.getSequence()).setCaptureTime(d.getCaptureTime())
                .setModelId(d.getModelId()).setSource(d.getSource().name()).setSessionId(d.getSessionId())
                .setNode(new SubscribedNode(s.name(), s.wordnetId(), s.topic()))
                .setObjectIndex(index).setLeft(o.getLeft()).setTop(o.getTop()).setWidth(o.getWidth())
                .setHeight(o.getHeight()).setObjectness(o.getObjectness()).setLabel(o.getLabel())
                .setLabelId(o.getLabelId()).setScore(o.getScore()).setPath(path)
                .build();
    }
}
