package io.yolostream.ingest.source;

import io.yolostream.ingest.avro.SourceKind;

import java.time.Instant;

/**
 * What a camera is doing, as of one moment: an immutable snapshot for the status API and metrics. Counters are
 * monotonic over the camera's life (they survive reconnects); rates cover the last few seconds.
 *
 * @param url            the camera URL with credentials masked
 * @param connected      a stream is open (for a file camera: it is playing)
 * @param sessionId      the current connection's id (a new one per connect), null while disconnected
 * @param since          when {@code connected} last changed (or the camera started)
 * @param fpsIn          frames decoded per second
 * @param fpsOut         frames sampled, encoded and offered to the sink per second
 * @param framesDecoded  frames decoded
 * @param framesSampled  frames sampled, encoded and offered to the sink
 * @param decodeErrors   decoding or encoding failures (the frame or the connection was given up)
 * @param reconnects     connection attempts after the first (each retry after a failure or a lost stream)
 * @param lastError      the latest failure, credentials masked; null if none yet
 * @param lastErrorAt    when it happened; null if none yet
 * @param lastFrameAt    when the latest frame was decoded; null if none yet (a stream that stays open but yields no
 *                       frame shows here)
 * @param width          the source's frame width in the current or last session, 0 before the first connect
 * @param height         the source's frame height, likewise
 */
public record CameraStats(String cameraId, String url, SourceKind source, boolean connected, String sessionId,
                          Instant since, double fpsIn, double fpsOut, long framesDecoded, long framesSampled,
                          long decodeErrors, long reconnects, String lastError, Instant lastErrorAt,
                          Instant lastFrameAt, int width, int height) {
}
