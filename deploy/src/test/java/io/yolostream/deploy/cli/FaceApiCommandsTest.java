package io.yolostream.deploy.cli;

import io.yolostream.detector.opencv.OpenCvImages;
import io.yolostream.detector.preprocess.RgbImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static io.yolostream.deploy.cli.CliResult.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code convert --faceapi} and the commands on the result, with a TF.js manifest of face-api's tiny face detector's
 * exact tensor shapes and random float32 weights (the real package is tested in the detector module).
 */
class FaceApiCommandsTest {
    @TempDir
    Path dir;

    /** face-api's tensor names and shapes, in its manifest's order. */
    private Path manifest() throws Exception {
        Object[][] tensors = {{"conv0/filters", new int[]{3, 3, 3, 16}}, {"conv0/bias", new int[]{16}}};
        StringBuilder json = new StringBuilder("[{\"paths\": [\"w.bin\"], \"weights\": [");
        int[] f = {16, 32, 64, 128, 256, 512};
        java.util.List<Object[]> all = new java.util.ArrayList<>(java.util.List.of(tensors));
        for (int i = 1; i <= 5; i++) {
            all.add(new Object[]{"conv" + i + "/depthwise_filter", new int[]{3, 3, f[i - 1], 1}});
            all.add(new Object[]{"conv" + i + "/pointwise_filter", new int[]{1, 1, f[i - 1], f[i]}});
            all.add(new Object[]{"conv" + i + "/bias", new int[]{f[i]}});
        }
        all.add(new Object[]{"conv8/filters", new int[]{1, 1, 512, 25}});
        all.add(new Object[]{"conv8/bias", new int[]{25}});
        int count = 0;
        for (int i = 0; i < all.size(); i++) {
            int[] shape = (int[]) all.get(i)[1];
            int n = 1;
            for (int d : shape) {
                n *= d;
            }
            count += n;
            json.append(i == 0 ? "" : ",").append("{\"name\": \"").append(all.get(i)[0]).append("\", \"shape\": ")
                    .append(java.util.Arrays.toString(shape)).append(", \"dtype\": \"float32\"}");
        }
        json.append("]}]");
        ByteBuffer bin = ByteBuffer.allocate(4 * count).order(ByteOrder.LITTLE_ENDIAN);
        Random r = new Random(3);
        for (int i = 0; i < count; i++) {
            bin.putFloat((float) (r.nextGaussian() * 0.05));
        }
        Files.write(dir.resolve("w.bin"), bin.array());
        Path m = dir.resolve("manifest.json");
        Files.writeString(m, json);
        return m;
    }

    @Test
    void convertsAndRunsWithTheModelsOwnPreprocessing() throws Exception {
        Path onnx = dir.resolve("face.onnx");
        CliResult c = run("convert", "--faceapi", manifest().toString(), "--out", onnx.toString());
        assertEquals(0, c.exitCode(), c.err());
        assertTrue(c.out().contains("preprocess faceapi-pad-bottom-right"), c.out());

        byte[] px = new byte[200 * 120 * 3];
        new Random(1).nextBytes(px);
        Path img = dir.resolve("img.jpg");
        Files.write(img, OpenCvImages.encodeJpeg(new RgbImage(200, 120, px), 90));
        CliResult d = run("detect-image", "--model", onnx.toString(), "--device", "cpu", "--size", "320x256",
                img.toString());
        assertEquals(0, d.exitCode(), d.err());
        assertTrue(d.out().contains("200x120 at 320x256"), d.out());

        CliResult refused = run("detect-image", "--model", onnx.toString(), "--device", "cpu", "--preprocess", "opencv",
                img.toString());
        assertEquals(2, refused.exitCode());
        assertTrue(refused.err().contains("expected preprocess darknet or faceapi"), refused.err());
    }

    @Test
    void convertWithoutAModelSaysWhatItExpects() {
        CliResult r = run("convert", "--out", dir.resolve("x.onnx").toString());
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("expected --cfg and --weights (or --faceapi MANIFEST, or --onnx with --int8)"), r.err());
    }
}
