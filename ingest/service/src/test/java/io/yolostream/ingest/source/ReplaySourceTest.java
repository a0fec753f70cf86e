package io.yolostream.ingest.source;

import io.yolostream.ingest.IngestException;
import io.yolostream.ingest.avro.SourceKind;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReplaySourceTest {
    @TempDir
    static Path dir;
    /** 2 s at 25 fps: sampled to 5 fps, frames 0, 5, ..., 45 are published. */
    static Path clip;

    @BeforeAll
    static void record() {
        clip = TestVideos.recordSmall(dir.resolve("clip.mp4"), 25, 50);
    }

    private static CameraSpec spec(String id, Path file) {
        return new CameraSpec(id, file.toString(), 5, 320, 0, 80);
    }

    @Test
    void publishesEverySampledFrameInOrderWithPtsDerivedCaptureTimesThenEndOfStream() throws Exception {
        RecordingFrameSink sink = new RecordingFrameSink();
        List<ReplaySource.Progress> progress = new ArrayList<>();
        long before = System.currentTimeMillis();
        ReplaySource.Summary summary = new ReplaySource(spec("replay-1", clip), ReplaySpeed.MAX, false, sink)
                .run(progress::add);

        List<EncodedFrame> frames = sink.frames("replay-1");
        assertEquals(10, frames.size());
        assertEquals(10, sink.put(), "replays put (wait), never offer");
        EncodedFrame first = frames.get(0);
        assertTrue(first.captureTimeMillis() >= before && first.captureTimeMillis() <= System.currentTimeMillis());
        for (int k = 0; k < frames.size(); k++) {
            EncodedFrame f = frames.get(k);
            assertEquals(SourceKind.REPLAY, f.source());
            assertEquals(first.sessionId(), f.sessionId());
            assertEquals(k * 200_000L, f.ptsMicros(), "pts of sampled frame " + k);
            assertEquals(first.captureTimeMillis() + k * 200L, f.captureTimeMillis(), "capture time of frame " + k);
            assertEquals(320, f.width());
            assertEquals(180, f.height());
            assertEquals(80, f.quality());
            assertEquals((byte) 0xD8, f.jpeg()[1]);
        }
        assertEquals(List.of(new RecordingFrameSink.EndOfStream("replay-1", first.sessionId(), 10)), sink.ends());
        assertEquals(1, summary.runs());
        assertEquals(10, summary.frames());
        assertEquals(50, summary.framesDecoded());
        ReplaySource.Progress last = progress.get(progress.size() - 1);
        assertTrue(last.done());
        assertEquals(10, last.frames());
        assertEquals(10, last.totalEstimate());
    }

    @Test
    void pacesByPtsAtTheChosenSpeed() throws Exception {
        RecordingFrameSink sink = new RecordingFrameSink();
        ReplaySource.Summary summary = new ReplaySource(spec("replay-2x", clip), ReplaySpeed.parse("2"), false, sink)
                .run(null);
        // the last sampled frame is 1.8 s into the clip: at 2x it cannot be published before 0.9 s
        assertTrue(summary.elapsed().toMillis() >= 880, "took " + summary.elapsed());
        assertEquals(10, sink.frames().size());
    }

    @Test
    void loopsWithANewSessionAndEndOfStreamPerRunUntilInterrupted() throws Exception {
        RecordingFrameSink sink = new RecordingFrameSink();
        ReplaySource replay = new ReplaySource(spec("looped", clip), ReplaySpeed.MAX, true, sink);
        Thread[] runner = new Thread[1];
        CompletableFuture<ReplaySource.Summary> result = new CompletableFuture<>();
        runner[0] = new Thread(() -> {
            try {
                result.complete(replay.run(p -> {
                    if (p.done() && p.run() == 3) {
                        Thread.currentThread().interrupt();
                    }
                }));
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        runner[0].start();
        ExecutionException e = assertThrows(ExecutionException.class, () -> result.get(60, TimeUnit.SECONDS));
        assertInstanceOf(InterruptedException.class, e.getCause());
        List<RecordingFrameSink.EndOfStream> ends = sink.ends();
        assertEquals(3, ends.size());
        for (RecordingFrameSink.EndOfStream end : ends) {
            assertEquals(10, end.frames());
        }
        assertNotEquals(ends.get(0).sessionId(), ends.get(1).sessionId());
        assertNotEquals(ends.get(1).sessionId(), ends.get(2).sessionId());
        assertEquals(30, sink.frames().size());
    }

    @Test
    void aCorruptFileFailsWithAClearError() {
        Path corrupt = TestVideos.corrupt(dir.resolve("broken.mp4"), 100_000);
        RecordingFrameSink sink = new RecordingFrameSink();
        IngestException e = assertThrows(IngestException.class,
                () -> new ReplaySource(spec("bad", corrupt), ReplaySpeed.MAX, false, sink).run(null));
        assertTrue(e.getMessage().contains(corrupt.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("Invalid data found when processing input"), e.getMessage());
        assertTrue(sink.frames().isEmpty() && sink.ends().isEmpty());
    }

    @Test
    void refusesALiveUrl() {
        CameraSpec live = new CameraSpec("cam", "rtsp://u:pw@127.0.0.1/cam", 5, 0, 0, 80);
        IngestException e = assertThrows(IngestException.class,
                () -> new ReplaySource(live, ReplaySpeed.MAX, false, new RecordingFrameSink()));
        assertTrue(e.getMessage().contains("expected a video file"), e.getMessage());
        assertTrue(!e.getMessage().contains("pw"), e.getMessage());
    }
}
