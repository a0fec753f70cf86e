package io.yolostream.ingest.publish;

import io.yolostream.ingest.source.EncodedFrame;

import java.util.concurrent.CompletableFuture;

/** What waits in a {@link CameraQueue}: a frame, or a replay's end-of-stream marker (a barrier, never dropped). */
sealed interface QueueItem {
    long enqueuedNanos();

    record FrameItem(EncodedFrame frame, long enqueuedNanos) implements QueueItem {
    }

    /** Completed when the end-of-stream record, sent after every earlier record was acknowledged, is acknowledged. */
    record EndOfStreamItem(String sessionId, long frames, long enqueuedNanos, CompletableFuture<Void> acked)
            implements QueueItem {
    }
}
