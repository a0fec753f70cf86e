package io.yolostream.deploy.bench;

import io.yolostream.ingest.IngestException;
import io.yolostream.ingest.source.CameraSpec;
import io.yolostream.ingest.source.EncodedFrame;
import io.yolostream.ingest.source.FrameSink;
import io.yolostream.ingest.source.ReplaySource;
import io.yolostream.ingest.source.ReplaySpeed;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The bench's video, decoded and JPEG-encoded once by ingest's own {@link ReplaySource} (at max speed) and kept in
 * memory, so that publishing during a measured run costs no video decoding.
 */
public final class ClipFrames {
    private ClipFrames() {
    }

    /** Signals "enough frames" out of the replay loop. */
    private static final class Enough extends RuntimeException {
        Enough() {
            super(null, null, false, false);
        }
    }

    /**
     * The first {@code maxFrames} frames of {@code video} (every decoded frame, no sampling), resized to fit
     * {@code maxWidth}x{@code maxHeight} (0 = as recorded) and encoded at {@code quality}, as ingest would publish.
     */
    public static List<EncodedFrame> load(Path video, int maxFrames, int maxWidth, int maxHeight, int quality)
            throws InterruptedException {
        if (!Files.isReadable(video)) {
            throw new IngestException("--video " + video + ": expected a readable video file, found none");
        }
        List<EncodedFrame> frames = new ArrayList<>();
        FrameSink sink = new FrameSink() {
            @Override
            public void offer(EncodedFrame frame) {
                add(frame);
            }

            @Override
            public void put(EncodedFrame frame) {
                add(frame);
            }

            private void add(EncodedFrame frame) {
                frames.add(frame);
                if (frames.size() >= maxFrames) {
                    throw new Enough();
                }
            }

            @Override
            public void endOfStream(String cameraId, String sessionId, long count) {
                // the bench publishes frames only
            }
        };
        CameraSpec spec = new CameraSpec("clip", video.toString(), 0, maxWidth, maxHeight, quality);
        try {
            new ReplaySource(spec, ReplaySpeed.MAX, false, sink).run(null);
        } catch (Enough done) {
            // the clip has more frames than needed
        }
        return List.copyOf(frames);
    }
}
