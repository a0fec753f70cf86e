package io.yolostream.ingest.source;

import io.yolostream.ingest.avro.SourceKind;

/**
 * A sampled, possibly resized, JPEG-encoded frame on its way to Kafka. The publisher assigns the sequence number.
 *
 * @param captureTimeMillis wall clock at decode for live sources; replay start + pts for replays
 * @param ptsMicros         stream presentation timestamp, -1 when unknown
 * @param quality           the JPEG quality used, so the publisher can re-encode lower when a frame is too large
 */
public record EncodedFrame(String cameraId, String sessionId, SourceKind source, long captureTimeMillis,
                           long ptsMicros, int width, int height, int quality, byte[] jpeg) {
}
