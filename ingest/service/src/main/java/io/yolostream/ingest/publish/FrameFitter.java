package io.yolostream.ingest.publish;

import io.yolostream.ingest.IngestException;
import io.yolostream.ingest.avro.FrameCodec;
import io.yolostream.ingest.source.EncodedFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;

/**
 * Keeps every record within {@code max.request.size}: a frame whose encoded record could exceed it is re-encoded
 * smaller by {@link JpegShrinker} (counted, with a warning naming the camera and sizes), never dropped. Runs on the
 * caller's (camera's) thread, so the cost stays with the camera that sends oversized frames.
 */
final class FrameFitter {
    private static final Logger LOG = LoggerFactory.getLogger(FrameFitter.class);
    /** Record-batch header, record varints and our type header around key + value. */
    static final int RECORD_FRAMING = 256;

    private final int maxRequestSize;

    FrameFitter(int maxRequestSize) {
        this.maxRequestSize = maxRequestSize;
    }

    EncodedFrame fit(CameraState cam, EncodedFrame f) {
        int jpegBytes = f.jpeg().length;
        int framing = FrameCodec.encodedSizeBound(f.cameraId(), f.sessionId(), 0)
                + f.cameraId().getBytes(StandardCharsets.UTF_8).length + RECORD_FRAMING;
        if (framing + jpegBytes <= maxRequestSize) {
            return f;
        }
        int maxImage = maxRequestSize - framing;
        if (maxImage < 1024) {
            throw new IngestException("camera " + cam.id + ": max.request.size " + maxRequestSize
                    + " bytes: expected room for an image after " + framing + " bytes of framing, found " + maxImage);
        }
        JpegShrinker.Shrunk s = JpegShrinker.shrink(f.jpeg(), f.quality(), maxImage);
        cam.reencoded.incrementAndGet();
        LOG.warn("camera {}: {}x{} frame of {} bytes does not fit max.request.size {}: re-encoded at quality {}"
                        + " to {}x{}, {} bytes", cam.id, f.width(), f.height(), jpegBytes, maxRequestSize,
                s.quality(), s.width(), s.height(), s.jpeg().length);
        return new EncodedFrame(f.cameraId(), f.sessionId(), f.source(), f.captureTimeMillis(), f.ptsMicros(),
                s.width(), s.height(), s.quality(), s.jpeg());
    }
}
