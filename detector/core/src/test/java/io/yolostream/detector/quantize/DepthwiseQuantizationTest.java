package io.yolostream.detector.quantize;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.yolostream.detector.model.ModelInfo;
import io.yolostream.detector.onnx.OnnxGraph;
import io.yolostream.detector.onnx.OnnxModel;
import io.yolostream.detector.opencv.OpenCvImages;
import io.yolostream.detector.preprocess.DarknetLetterbox;
import io.yolostream.detector.preprocess.RgbImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A graph not from darknet: depthwise-separable convolutions (Conv with group = channels, then 1x1), ReLU and
 * LeakyRelu, no bias on one convolution, as tiny-YOLOv2 variants built elsewhere have.
 */
class DepthwiseQuantizationTest {
    @TempDir
    Path dir;

    static byte[] separableModel() {
        SplittableRandom r = new SplittableRandom(11);
        OnnxGraph g = new OnnxGraph("separable", 13);
        g.input("images", "batch", 3L, "height", "width");
        conv(g, r, "images", "c0", 8, 3, 3, 1, true);
        g.node("LeakyRelu", List.of("c0"), List.of("a0")).attr("alpha", 0.1f).add();
        conv(g, r, "a0", "c1", 8, 1, 3, 8, true);           // depthwise
        g.node("Relu", List.of("c1"), List.of("a1")).add();
        conv(g, r, "a1", "c2", 16, 8, 1, 1, false);         // pointwise, no bias
        g.node("LeakyRelu", List.of("c2"), List.of("a2")).attr("alpha", 0.1f).add();
        g.node("MaxPool", List.of("a2"), List.of("p2")).attr("kernel_shape", 2, 2).attr("strides", 2, 2).add();
        conv(g, r, "p2", "c3", 16, 1, 3, 16, true);          // depthwise
        g.node("LeakyRelu", List.of("c3"), List.of("a3")).attr("alpha", 0.1f).add();
        g.node("MaxPool", List.of("a3"), List.of("p3")).attr("kernel_shape", 16, 16).attr("strides", 16, 16).add();
        conv(g, r, "p3", "output", 6, 16, 1, 1, true);
        g.output("output", "batch", 6L, "grid_height", "grid_width");
        ModelInfo info = new ModelInfo("separable", new float[]{1, 1}, 1, 4, 1, true, List.of("face"), null, 64, 64,
                32, ModelInfo.DARKNET_LETTERBOX, "");
        g.metadata(info.toMetadata());
        return g.toByteArray();
    }

    private static void conv(OnnxGraph g, SplittableRandom r, String in, String out, int filters, int inPerGroup,
                             int k, int group, boolean bias) {
        float[] w = new float[filters * inPerGroup * k * k];
        double scale = Math.sqrt(3.0 / (inPerGroup * k * k));
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
        }
        g.floatInitializer(out + ".w", w, filters, inPerGroup, k, k);
        List<String> inputs = List.of(in, out + ".w");
        if (bias) {
            float[] b = new float[filters];
            for (int i = 0; i < b.length; i++) {
                b[i] = (float) (r.nextDouble() - 0.5) * 0.2f;
            }
            g.floatInitializer(out + ".b", b, filters);
            inputs = List.of(in, out + ".w", out + ".b");
        }
        long p = k / 2;
        g.node("Conv", inputs, List.of(out)).attr("kernel_shape", k, k).attr("pads", p, p, p, p)
                .attr("group", (long) group).add();
    }

    @Test
    void depthwiseSeparableConvolutionsRunAsIntegerKernelsCloseToFp32() throws Exception {
        byte[] fp32 = separableModel();
        Path images = Files.createDirectories(dir.resolve("images"));
        for (int i = 0; i < 6; i++) {
            Files.write(images.resolve(i + ".jpg"), OpenCvImages.encodeJpeg(Int8QuantizerTest.photo(90, 70, i), 90));
        }
        Int8Quantizer.Result q = Int8Quantizer.quantize(OnnxModel.read(fp32, "separable.onnx"), "separable.onnx",
                new DarknetLetterbox(), SampledFrames.of(images, 10), Int8QuantizerTest.OPTIONS, null);
        assertEquals(4, q.plan().convs().size());

        Path model = Files.write(dir.resolve("separable-int8.onnx"), q.model().toByteArray());
        Path optimized = dir.resolve("optimized.onnx");
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            o.setOptimizedModelFilePath(optimized.toString());
            OrtEnvironment.getEnvironment().createSession(model.toString(), o).close();
        }
        Map<String, Integer> ops = new TreeMap<>();
        for (OnnxModel.Node n : OnnxModel.read(Files.readAllBytes(optimized), "optimized").nodes) {
            ops.merge(n.opType(), 1, Integer::sum);
        }
        assertEquals(4, ops.getOrDefault("QLinearConv", 0), "ops after ONNX Runtime's fusion: " + ops);

        List<RgbImage> unseen = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            unseen.add(Int8QuantizerTest.photo(100, 80, 50 + i));
        }
        double relRms = Int8QuantizerTest.relativeRms(fp32, q.model().toByteArray(), unseen);
        System.out.printf("depthwise-separable int8 vs fp32 relative RMS error: %.4f%n", relRms);
        assertTrue(relRms < Int8QuantizerTest.MAX_RELATIVE_RMS, "relative RMS " + relRms);
    }
}
