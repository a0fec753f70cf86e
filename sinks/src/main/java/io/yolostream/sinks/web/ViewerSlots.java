package io.yolostream.sinks.web;

import java.util.HashMap;
import java.util.Map;

/**
 * The live view's stream slots: at most {@code max} MJPEG streams open at once in all, and {@code perCamera} of
 * one camera (each holds a thread of the HTTP server until its client leaves).
 */
final class ViewerSlots {
    private final int max;
    private final int perCamera;
    private final Map<String, Integer> byCamera = new HashMap<>();
    private int open;

    ViewerSlots(int max, int perCamera) {
        this.max = max;
        this.perCamera = perCamera;
    }

    /** Takes a slot for a stream of {@code camera}: null when taken, else why not (for the 503). */
    synchronized String take(String camera) {
        int mine = byCamera.getOrDefault(camera, 0);
        if (mine >= perCamera) {
            return "live view: expected at most " + perCamera + " streams of one camera open at once "
                    + "(live-max-viewers-per-camera), found " + mine + " of this camera open; close one, or raise "
                    + "the setting";
        }
        if (open >= max) {
            return "live view: expected at most " + max + " streams open at once (live-max-viewers), found " + open
                    + " open; close one, or raise the setting";
        }
        byCamera.put(camera, mine + 1);
        open++;
        return null;
    }

    synchronized void release(String camera) {
        byCamera.computeIfPresent(camera, (k, n) -> n <= 1 ? null : n - 1);
        open--;
    }

    synchronized int open() {
        return open;
    }
}
