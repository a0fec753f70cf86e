package io.yolostream.deploy.track;

import io.yolostream.sinks.track.Box;

/**
 * One line of a MOTChallenge file: {@code frame,id,left,top,width,height,conf,x,y,z} (frames from 1; id -1 for
 * detections).
 */
public record MotRow(int frame, String id, Box box, double conf) {
}
