package io.yolostream.detector.darknet;

import io.yolostream.detector.model.ModelInfo;
import io.yolostream.detector.opencv.OpenCvDarknetNet;
import io.yolostream.detector.runtime.Device;
import io.yolostream.detector.runtime.OrtRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * OpenCV DNN's readNetFromDarknet is an independent implementation of the same layers: the converted model's raw
 * output must agree with OpenCV's last convolution on the same cfg, weights and input.
 */
class OpenCvAgreementTest {
    @TempDir
    Path dir;

    @Test
    void convertedModelAgreesWithOpenCvDnn() throws Exception {
        Path cfg = dir.resolve("tiny.cfg");
        Files.writeString(cfg, Fixtures.TINY_YOLOV2);
        DarknetNetwork net = Fixtures.network(Fixtures.TINY_YOLOV2);
        Path weights = dir.resolve("tiny.weights");
        Files.write(weights, Fixtures.randomWeights(net, 11, 0, 2));
        ModelInfo info = DarknetToOnnx.info(net, "tiny", null, null, "");
        byte[] onnx = DarknetToOnnx.convert(net, DarknetWeights.read(weights), info, null).toByteArray();
        try (OrtRunner ort = new OrtRunner(onnx, "tiny", Device.CPU, 0);
             OpenCvDarknetNet cv = OpenCvDarknetNet.load(cfg, weights)) {
            for (int[] bhw : new int[][]{{1, 64, 64}, {2, 96, 64}, {1, 64, 160}}) {
                int batch = bhw[0];
                int h = bhw[1];
                int w = bhw[2];
                FloatBuffer in = OrtRunner.allocateInput(batch * 3 * h * w);
                in.put(Fixtures.randomImages(batch, h, w, 3)).flip();
                FloatBuffer ours = ort.run(in, batch, h, w, 32);
                float[] theirs = cv.forwardLastConv(in, batch, h, w);
                assertEquals(theirs.length, ours.remaining(), "output size at " + w + "x" + h);
                float max = 0;
                for (int i = 0; i < theirs.length; i++) {
                    max = Math.max(max, Math.abs(theirs[i] - ours.get(i)));
                }
                assertTrue(max < 1e-4, "max |ONNX - OpenCV| = " + max + " at batch " + batch + ", " + w + "x" + h);
            }
        }
    }
}
