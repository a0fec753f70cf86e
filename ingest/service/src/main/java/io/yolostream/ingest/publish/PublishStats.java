package io.yolostream.ingest.publish;

import java.time.Instant;

/**
 * One camera's publishing counters at one moment (immutable; for the control API and metrics).
 *
 * @param published         frames acknowledged by Kafka
 * @param dropped           live frames dropped because the camera's queue was full (oldest first)
 * @param failed            frames given up: live frames whose send failed (not retried), frames left when the
 *                          publisher closed, replay frames after a permanent error
 * @param retried           replay sends retried after a failure (replays wait for Kafka)
 * @param reencoded         frames re-encoded smaller to fit {@code max.request.size}
 * @param queueDepth        frames waiting in the camera's queue
 * @param inFlight          records sent and not yet acknowledged
 * @param lastSequence      sequence of the last acknowledged frame, -1 before the first
 * @param lastLatencyMillis queue + send + ack time of the last acknowledged record, -1 before the first
 * @param lastPublished     when the last record was acknowledged, null before the first
 * @param lastError         the last send/recovery error (credentials masked), null if none
 * @param lastErrorTime     when it happened, null if none
 */
public record PublishStats(String cameraId, long published, long dropped, long failed, long retried, long reencoded,
                           int queueDepth, int inFlight, long lastSequence, double lastLatencyMillis,
                           Instant lastPublished, String lastError, Instant lastErrorTime) {
}
