package io.yolostream.ingest.source;

/** Where sources hand their frames: the Kafka publisher in the service, a counter in benchmarks and tests. */
public interface FrameSink {
    /**
     * Live frames: never blocks the camera. When the camera's bounded queue is full the OLDEST queued frame is
     * dropped (and counted) to make room.
     */
    void offer(EncodedFrame frame);

    /** Replay frames: blocks until the frame is accepted (replays lose nothing); interruptible. */
    void put(EncodedFrame frame) throws InterruptedException;

    /**
     * A replay run ended after {@code frames} frames; blocks until every frame of the run and the end-of-stream
     * record are acknowledged by Kafka.
     */
    void endOfStream(String cameraId, String sessionId, long frames) throws InterruptedException;
}
