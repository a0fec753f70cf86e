package io.yolostream.ingest.source;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IngestBenchTest {

    @Test
    void runsIngestAndTheFfmpegProgramOnTheSameFile(@TempDir Path dir) {
        Path clip = TestVideos.recordSmall(dir.resolve("bench.mp4"), 25, 50);
        IngestBench.Result result = new IngestBench(clip, 5, 80).run(1, true);

        assertEquals(640, result.width());
        assertEquals(50, result.ingest().framesDecoded());
        assertEquals(10, result.ingest().framesEncoded());
        // ffmpeg's -r rounds the sampled count slightly differently
        assertTrue(Math.abs(result.ffmpeg().framesEncoded() - 10) <= 2, "ffmpeg made "
                + result.ffmpeg().framesEncoded() + " JPEGs");
        assertTrue(result.ingest().fps() > 0 && result.ffmpeg().fps() > 0 && result.ratio() > 0);
        assertNotNull(result.singleThread());
        assertTrue(result.camerasPerCore() > 0);
        String table = result.format();
        assertTrue(table.contains("ratio") && table.contains("cameras per core"), table);
    }

    @Test
    void ffmpegQscaleFollowsTheJpegQuality() {
        assertEquals(6, IngestBench.ffmpegQscale(80));
        assertEquals(3, IngestBench.ffmpegQscale(90));
        assertEquals(2, IngestBench.ffmpegQscale(100));
        assertEquals(28, IngestBench.ffmpegQscale(1));
    }

    @Test
    void countsConcatenatedJpegs() throws Exception {
        byte[] stream = {(byte) 0xFF, (byte) 0xD8, 1, 2, (byte) 0xFF, 0, (byte) 0xFF, (byte) 0xD9,
                (byte) 0xFF, (byte) 0xD8, 3, (byte) 0xFF, (byte) 0xD9};
        assertArrayEquals(new long[] {2, stream.length}, IngestBench.countJpegs(new ByteArrayInputStream(stream)));
    }
}
