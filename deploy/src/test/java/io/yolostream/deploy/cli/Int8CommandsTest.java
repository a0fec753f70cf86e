package io.yolostream.deploy.cli;

import io.yolostream.detector.onnx.OnnxModel;
import io.yolostream.detector.opencv.OpenCvImages;
import io.yolostream.detector.preprocess.RgbImage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static io.yolostream.deploy.cli.CliResult.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code convert --int8} and {@code compare} end to end on a small generated model. */
class Int8CommandsTest {

    @TempDir
    static Path dir;
    static Path cfg;
    static Path weights;
    static Path images;

    @BeforeAll
    static void files() throws Exception {
        SmallModel small = SmallModel.write(dir);
        cfg = small.cfg();
        weights = small.weights();
        images = Files.createDirectories(dir.resolve("images"));
        for (int i = 0; i < 4; i++) {
            byte[] px = new byte[80 * 60 * 3];
            for (int k = 0; k < px.length; k++) {
                px[k] = (byte) ((k * (i + 3)) % 251);
            }
            Files.write(images.resolve("i" + i + ".jpg"), OpenCvImages.encodeJpeg(new RgbImage(80, 60, px), 90));
        }
    }

    @Test
    void convertsToInt8AndComparesWithTheFp32Model() throws Exception {
        Path fp32 = dir.resolve("small.onnx");
        assertEquals(0, run("convert", "--cfg", cfg.toString(), "--weights", weights.toString(), "--out",
                fp32.toString()).exitCode());
        Path int8 = dir.resolve("small-int8.onnx");
        CliResult r = run("convert", "--onnx", fp32.toString(), "--int8", "--calibration", images.toString(),
                "--calibration-method", "minmax", "--fp32-convs", "last", "--out", int8.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("int8 QDQ, 2 of 3 convolutions int8 (fp32: last), calibrated on 4 images"),
                r.out());
        // the default measures whether the first convolution should stay fp32 too, and says what it found
        CliResult auto = run("convert", "--onnx", fp32.toString(), "--int8", "--calibration", images.toString(),
                "--out", dir.resolve("small-auto.onnx").toString());
        assertEquals(0, auto.exitCode(), auto.err());
        assertTrue(auto.out().contains("fp32 convolutions: auto: output error (relative RMS) "), auto.out());
        OnnxModel m = OnnxModel.read(Files.readAllBytes(int8), "int8");
        assertEquals("minmax", m.metadata.get("yolostream.quantization.calibration.method"));

        CliResult c = run("compare", "--model", fp32.toString(), "--model", int8.toString(), "--thresh", "0.01",
                "--per-input", images.toString());
        assertEquals(0, c.exitCode(), c.err());
        assertTrue(c.out().contains("4 images: A "), c.out());
        assertTrue(c.out().matches("(?s).*agreement A->B \\d+\\.\\d%, B->A \\d+\\.\\d%.*"), c.out());

        CliResult same = run("compare", "--model", cfg + "," + weights, "--model", fp32.toString(), "--thresh", "0.01",
                images.toString());
        assertEquals(0, same.exitCode(), same.err());
        assertTrue(same.out().contains("agreement A->B 100.0%, B->A 100.0%"), same.out());
    }

    @Test
    void int8NeedsCalibrationImages() throws Exception {
        CliResult r = run("convert", "--cfg", cfg.toString(), "--weights", weights.toString(), "--int8", "--out",
                dir.resolve("x.onnx").toString());
        assertEquals(2, r.exitCode());
        assertEquals("error: --int8: expected --calibration DIR|VIDEO (sample images for the activation ranges),"
                + " found none", r.err().strip());
        Path empty = Files.createDirectories(dir.resolve("empty"));
        r = run("convert", "--cfg", cfg.toString(), "--weights", weights.toString(), "--int8", "--calibration",
                empty.toString(), "--out", dir.resolve("x.onnx").toString());
        assertEquals(2, r.exitCode());
        assertEquals("error: images " + empty + ": expected .jpg/.jpeg/.png/.bmp images in the folder, found none"
                + " (empty folder)", r.err().strip());
    }
}
