package io.yolostream.deploy.track;

/** An input file of {@code yolostream track} / {@code track-eval} is unreadable: names it, expected and found. */
public class TrackFileException extends RuntimeException {
    public TrackFileException(String message) {
        super(message);
    }
}
