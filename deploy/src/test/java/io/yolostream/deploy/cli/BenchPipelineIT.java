package io.yolostream.deploy.cli;

import io.yolostream.ingest.source.TestVideos;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.yolostream.deploy.cli.CliResult.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code bench-pipeline} end to end on a small generated model and a recorded clip: its embedded broker, the detect
 * service, the virtual cameras and the model core side by side, with the frames at ingest's size or fitted to each
 * policy's network input.
 */
class BenchPipelineIT {
    @TempDir
    static Path dir;
    static Path model;
    static Path video;

    @BeforeAll
    static void files() throws Exception {
        SmallModel small = SmallModel.write(dir);
        model = dir.resolve("small.onnx");
        CliResult c = run("convert", "--cfg", small.cfg().toString(), "--weights", small.weights().toString(), "--out",
                model.toString());
        assertEquals(0, c.exitCode(), c.err());
        video = TestVideos.record(dir.resolve("clip.mp4"), 320, 240, 25, 12, 300_000);
    }

    @Test
    void fitsEachPolicysFramesToItsNetworkInputAndMeasuresEveryFrameOnce() {
        CliResult r = run("bench-pipeline", "--video", video.toString(), "--model", model.toString(),
                "--resolutions", "fixed:64,fixed:96,adaptive", "--ladder", "64,128", "--frames", "16", "--cameras", "2",
                "--rate", "max", "--device", "cpu", "--max-batch", "4", "--core-iterations", "1",
                "--fit-to-network", "--kafka-dir", dir.resolve("kafka-fit").toString());
        assertEquals(0, r.exitCode(), () -> r.out() + "\n" + r.err());
        // one clip per network input, aspect kept: 320x240 into a 64 box is 64x48
        assertTrue(r.out().contains("clip: 12 frames of 64x48 in memory"), r.out());
        assertTrue(r.out().contains("(fitted to fixed:64's 64x64)"), r.out());
        assertTrue(r.out().contains("clip: 12 frames of 96x72 in memory"), r.out());
        assertTrue(r.out().contains("clip: 12 frames of 128x96 in memory"), r.out());
        assertTrue(r.out().contains("(fitted to adaptive's 128x128)"), r.out());
        assertTrue(r.out().contains("summary: 3 runs, every frame exactly one record: yes"), r.out());
        // the fixed runs have the model core's frames/s beside them, and so a ratio
        Matcher ratio = Pattern.compile("(?m)^ratio (\\d+\\.\\d+) \\(lowest over the fixed-size runs").matcher(r.out());
        assertTrue(ratio.find(), r.out());
        assertTrue(Double.parseDouble(ratio.group(1)) > 0, r.out());
    }

    @Test
    void keepsIngestsFrameSizeWithoutFitting() {
        CliResult r = run("bench-pipeline", "--video", video.toString(), "--model", model.toString(),
                "--resolutions", "fixed:64,fixed:96", "--frames", "8", "--cameras", "2", "--rate", "max",
                "--device", "cpu", "--max-batch", "4", "--core-iterations", "1", "--max-width", "160",
                "--max-height", "160", "--kafka-dir", dir.resolve("kafka-plain").toString());
        assertEquals(0, r.exitCode(), () -> r.out() + "\n" + r.err());
        // one clip for both runs, fitted to --max-width/--max-height only
        assertEquals(1, Pattern.compile("clip: \\d+ frames of").matcher(r.out()).results().count(), r.out());
        assertTrue(r.out().contains("clip: 8 frames of 160x120 in memory, JPEG q85"), r.out());
        assertTrue(r.out().contains("summary: 2 runs, every frame exactly one record: yes"), r.out());
    }

    @Test
    void refusesABadLadderBeforeStartingAnything() {
        CliResult r = run("bench-pipeline", "--video", video.toString(), "--model", model.toString(),
                "--resolutions", "adaptive", "--ladder", "50..70", "--fit-to-network");
        assertEquals(2, r.exitCode(), r.out());
        assertTrue(r.err().contains("--ladder: "), r.err());
    }
}
