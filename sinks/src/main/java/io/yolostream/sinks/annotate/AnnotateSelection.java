package io.yolostream.sinks.annotate;

import io.yolostream.sinks.config.AnnotatedCameras;
import io.yolostream.sinks.config.SinksConfig;

/**
 * Which cameras' frames the annotator pairs with their detections: the annotated ones (configured or watched now)
 * and, when the snapshot sink is on, every camera.
 */
public record AnnotateSelection(AnnotatedCameras cameras, Watchers watchers, boolean snapshots) {
    /** The configured selection, with these watchers (the web page's). */
    public static AnnotateSelection of(SinksConfig c, Watchers watchers) {
        return new AnnotateSelection(c.annotatedCameras(), watchers, !c.snapshotDir().isEmpty());
    }

    public boolean annotates(String camera) {
        return !cameras.off() && (cameras.configured(camera) || watchers.watched(camera));
    }

    public boolean pairs(String camera) {
        return snapshots || annotates(camera);
    }
}
