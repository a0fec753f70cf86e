package io.yolostream.sinks.track;

import java.util.List;

/**
 * One detection handed to the tracker.
 *
 * @param score  the detection's score (decides the high/low association pass and whether it may start a track)
 * @param weight how much this frame's label evidence counts (the objectness; 0 = no label evidence)
 * @param path   its WordTree path, root first (empty for unlabelled input such as MOTChallenge files)
 * @param index  its index in the frame's list of detections (reported back on the matched track)
 */
public record Observation(Box box, double score, double weight, List<LabelNode> path, int index) {
    public Observation {
        path = List.copyOf(path);
    }
}
