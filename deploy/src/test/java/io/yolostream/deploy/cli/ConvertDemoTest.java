package io.yolostream.deploy.cli;

import io.yolostream.detector.model.ModelInfo;
import io.yolostream.detector.onnx.OnnxModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static io.yolostream.deploy.cli.CliResult.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code convert --demo}: the model Docker Compose's model-init writes at every {@code up} (so it must come out the
 * same each time: running replicas and a re-created one then load the same weights).
 */
class ConvertDemoTest {
    @TempDir
    Path dir;

    @Test
    void writesTheSameYoloV2TinyVocModelEveryTime() throws Exception {
        Path first = dir.resolve("a/demo.onnx");
        Path second = dir.resolve("b/demo.onnx");
        CliResult a = run("convert", "--demo", "--out", first.toString());
        assertEquals(0, a.exitCode(), a.err());
        assertTrue(a.out().contains("wrote " + first), a.out());
        CliResult b = run("convert", "--demo", "--out", second.toString());
        assertEquals(0, b.exitCode(), b.err());

        byte[] bytes = Files.readAllBytes(first);
        assertTrue(Arrays.equals(bytes, Files.readAllBytes(second)), "two --demo conversions differ");
        ModelInfo info = ModelInfo.fromMetadata(OnnxModel.read(bytes, first.toString()).metadata, first.toString());
        assertEquals(20, info.classes(), "yolov2-tiny-voc: the 20 VOC classes");
        assertEquals(416, info.inputWidth());
        // nothing left behind but the output (the cfg, random weights and names live in a temporary folder)
        try (var files = Files.list(first.getParent())) {
            assertEquals(1, files.count());
        }
    }

    @Test
    void refusesAnotherModelWithIt() {
        CliResult r = run("convert", "--demo", "--cfg", "yolov2-voc.cfg", "--out", dir.resolve("x.onnx").toString());
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("--demo: expected no other model"), r.err());
        assertTrue(r.err().contains("--cfg"), r.err());
        assertFalse(Files.exists(dir.resolve("x.onnx")));
    }
}
