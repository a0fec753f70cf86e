package io.yolostream.detector.video;

import io.yolostream.detector.model.ModelException;
import io.yolostream.detector.preprocess.RgbImage;
import io.yolostream.detector.quantize.SampledFrames;
import io.yolostream.ingest.source.TestVideos;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real H.264 clips (recorded by the test with FFmpeg) sampled as calibration / comparison input. */
class FfmpegVideoFramesTest {
    @TempDir
    Path dir;

    @Test
    void aVideoIsSampledEvenly() {
        Path video = TestVideos.recordSmall(dir.resolve("clip.mp4"), 10, 30);
        SampledFrames frames = SampledFrames.of(video, 5, FfmpegVideoFrames.INSTANCE);
        List<RgbImage> got = new ArrayList<>();
        assertEquals(5, frames.forEach(got::add));
        assertEquals(5, got.size());
        assertEquals(640, got.get(0).width());
        assertEquals(360, got.get(0).height());
        assertTrue(frames.describe().contains("every 6 of 30"), frames.describe());
    }

    @Test
    void atMostKeepsTheSampleSpreadOverTheVideo() {
        Path clip = TestVideos.recordSmall(dir.resolve("clip-at-most.mp4"), 10, 30);
        SampledFrames video = SampledFrames.of(clip, 10, FfmpegVideoFrames.INSTANCE);
        assertTrue(video.describe().contains("every 3 of 30"), video.describe());
        SampledFrames fewer = video.atMost(2);
        assertTrue(fewer.describe().contains("every 15 of 30"), fewer.describe());
        assertEquals(2, fewer.forEach(img -> { }));
    }

    @Test
    void aCorruptVideoIsAClearError() {
        Path corrupt = TestVideos.corrupt(dir.resolve("broken.mp4"), 4096);
        ModelException e = assertThrows(ModelException.class,
                () -> SampledFrames.of(corrupt, 10, FfmpegVideoFrames.INSTANCE));
        assertTrue(e.getMessage().startsWith("images " + corrupt + ": expected a folder of images, an image or a"
                + " video FFmpeg can decode, found a file it cannot read"), e.getMessage());
    }
}
