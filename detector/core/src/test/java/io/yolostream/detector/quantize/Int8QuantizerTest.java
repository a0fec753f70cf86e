package io.yolostream.detector.quantize;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.yolostream.detector.ModelSource;
import io.yolostream.detector.YoloDetector;
import io.yolostream.detector.darknet.DarknetNetwork;
import io.yolostream.detector.darknet.DarknetToOnnx;
import io.yolostream.detector.darknet.DarknetWeights;
import io.yolostream.detector.darknet.Fixtures;
import io.yolostream.detector.decode.DecodeOptions;
import io.yolostream.detector.model.ModelException;
import io.yolostream.detector.model.ModelInfo;
import io.yolostream.detector.onnx.OnnxModel;
import io.yolostream.detector.opencv.OpenCvImages;
import io.yolostream.detector.preprocess.DarknetLetterbox;
import io.yolostream.detector.preprocess.RgbImage;
import io.yolostream.detector.runtime.Device;
import io.yolostream.detector.runtime.OrtRunner;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Int8QuantizerTest {
    /** Stated tolerance: relative RMS error of the int8 model's raw output against fp32 (measured ~0.02-0.03). */
    static final double MAX_RELATIVE_RMS = 0.06;

    @TempDir
    static Path dir;
    static byte[] fp32;
    static Path images;
    static Int8Quantizer.Result result;

    static final Int8Quantizer.Options OPTIONS = new Int8Quantizer.Options(RangeMethod.PERCENTILE, 99.999,
            EnumSet.of(QdqPlan.Keep.LAST), 1);

    @BeforeAll
    static void quantize() throws Exception {
        DarknetNetwork net = Fixtures.network(Fixtures.TINY_YOLOV2);
        ModelInfo info = DarknetToOnnx.info(net, "tiny", List.of("cat", "dog", "bird"), null, "");
        fp32 = DarknetToOnnx.convert(net, DarknetWeights.of(Fixtures.randomWeights(net, 3, 0, 2), "w"), info, null)
                .toByteArray();
        images = Files.createDirectories(dir.resolve("calibration"));
        for (int i = 0; i < 8; i++) {
            Files.write(images.resolve("img" + i + ".jpg"), OpenCvImages.encodeJpeg(photo(96 + 8 * i, 72, i), 90));
        }
        Files.writeString(images.resolve("notes.txt"), "not an image");
        result = Int8Quantizer.quantize(OnnxModel.read(fp32, "tiny.onnx"), "tiny.onnx", new DarknetLetterbox(),
                SampledFrames.of(images, 200), OPTIONS, null);
    }

    /** Gradients, blocks and noise: photo-like enough to give every activation a spread. */
    static RgbImage photo(int w, int h, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] px = new byte[w * h * 3];
        int bx = r.nextInt(w / 2);
        int by = r.nextInt(h / 2);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = (y * w + x) * 3;
                boolean block = x >= bx && x < bx + w / 3 && y >= by && y < by + h / 3;
                px[i] = (byte) (block ? 220 : x * 255 / w);
                px[i + 1] = (byte) Math.min(255, y * 255 / h + r.nextInt(24));
                px[i + 2] = (byte) (block ? 30 : ((x / 8 + y / 8) % 2) * 160 + r.nextInt(40));
            }
        }
        return new RgbImage(w, h, px);
    }

    @Test
    void everyConvolutionButTheLastReadsPerChannelInt8Weights() {
        OnnxModel q = result.model();
        assertEquals(6, result.plan().convs().size());
        assertEquals(1, result.plan().fp32().size());
        assertEquals(8, result.images(), "the 8 images of the folder; notes.txt is skipped");
        Map<String, OnnxModel.Node> producers = q.producers();
        int quantized = 0;
        OnnxModel.Node lastConv = q.nodes.stream().filter(n -> n.opType().equals("Conv")).reduce((x, y) -> y)
                .orElseThrow();
        for (OnnxModel.Node conv : q.nodes) {
            if (!conv.opType().equals("Conv")) {
                continue;
            }
            OnnxModel.Node wdq = producers.get(conv.inputs().get(1));
            if (wdq == null) {
                assertEquals(lastConv, conv, "only the output convolution stays fp32");
                assertEquals(OnnxModel.FLOAT, q.initializers.get(conv.inputs().get(1)).dataType());
                continue;
            }
            quantized++;
            assertEquals("DequantizeLinear", wdq.opType());
            assertEquals(0, wdq.intAttribute("axis", -1));
            OnnxModel.Tensor w = q.initializers.get(wdq.inputs().get(0));
            OnnxModel.Tensor scales = q.initializers.get(wdq.inputs().get(1));
            assertEquals(OnnxModel.INT8, w.dataType());
            assertArrayEquals(new long[]{w.dims()[0]}, scales.dims(), "one scale per output channel");
            // symmetric: every channel uses the full int8 range at its largest weight
            byte[] v = w.raw();
            int per = v.length / (int) w.dims()[0];
            for (int c = 0; c < w.dims()[0]; c++) {
                int absMax = 0;
                for (int k = c * per; k < (c + 1) * per; k++) {
                    absMax = Math.max(absMax, Math.abs(v[k]));
                }
                assertEquals(127, absMax, "channel " + c + " of " + w.name());
            }
            OnnxModel.Node bdq = producers.get(conv.inputs().get(2));
            assertEquals(OnnxModel.INT32, q.initializers.get(bdq.inputs().get(0)).dataType());
            OnnxModel.Node xdq = producers.get(conv.inputs().get(0));
            assertEquals("DequantizeLinear", xdq.opType(), "activations enter through Q/DQ");
            assertEquals(OnnxModel.UINT8, q.initializers.get(xdq.inputs().get(2)).dataType());
            assertEquals("QuantizeLinear", q.consumers().get(conv.outputs().get(0)).get(0).opType());
        }
        assertEquals(6, quantized);
    }

    @Test
    void metadataIsTheFp32ModelsPlusTheCalibration() {
        Map<String, String> meta = result.model().metadata;
        OnnxModel original = OnnxModel.read(fp32, "tiny.onnx");
        original.metadata.forEach((k, v) -> assertEquals(v, meta.get(k), k));
        assertEquals("int8-qdq", meta.get("yolostream.quantization"));
        assertEquals("percentile 99.9990", meta.get("yolostream.quantization.calibration.method"));
        assertEquals("8", meta.get("yolostream.quantization.calibration.images"));
        assertEquals("last", meta.get("yolostream.quantization.fp32-convs"));
        assertEquals(ModelInfo.fromMetadata(original.metadata, "a"), ModelInfo.fromMetadata(meta, "b"));
    }

    @Test
    void onnxRuntimeRunsTheConvolutionsAsIntegerKernels() throws Exception {
        Path model = Files.write(dir.resolve("tiny-int8.onnx"), result.model().toByteArray());
        Path optimized = dir.resolve("tiny-int8.optimized.onnx");
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            o.setOptimizedModelFilePath(optimized.toString());
            OrtEnvironment.getEnvironment().createSession(model.toString(), o).close();
        }
        Map<String, Integer> ops = new TreeMap<>();
        for (OnnxModel.Node n : OnnxModel.read(Files.readAllBytes(optimized), "optimized").nodes) {
            ops.merge(n.opType(), 1, Integer::sum);
        }
        assertEquals(6, ops.getOrDefault("QLinearConv", 0), "ops after ONNX Runtime's fusion: " + ops);
        assertTrue(ops.getOrDefault("QLinearLeakyRelu", 0) >= 5, "LeakyRelu stays in uint8: " + ops);
        assertEquals(1, ops.getOrDefault("Conv", 0), "only the fp32 output convolution: " + ops);
    }

    @Test
    void outputsStayWithinToleranceOfFp32OnUnseenImages() {
        List<RgbImage> unseen = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            unseen.add(photo(80 + 12 * i, 64 + 4 * i, 100 + i));
        }
        double relRms = relativeRms(fp32, result.model().toByteArray(), unseen);
        System.out.printf("int8 vs fp32 relative RMS error of the raw output: %.4f%n", relRms);
        assertTrue(relRms < MAX_RELATIVE_RMS, "relative RMS " + relRms);
        assertTrue(relRms > 0, "the model really is quantized");
    }

    /** ‖int8 − fp32‖ / ‖fp32‖ over the raw outputs of the images, darknet-letterboxed to 64x64. */
    static double relativeRms(byte[] fp32, byte[] int8, List<RgbImage> images) {
        int size = 64;
        FloatBuffer in = OrtRunner.allocateInput(3 * size * size);
        double err = 0;
        double ref = 0;
        try (OrtRunner a = new OrtRunner(fp32, "fp32", Device.CPU, 1);
             OrtRunner b = new OrtRunner(int8, "int8", Device.CPU, 1)) {
            for (RgbImage image : images) {
                new DarknetLetterbox().letterbox(image, size, size, in, 0);
                FloatBuffer fa = a.run(in, 1, size, size, 32);
                float[] x = new float[fa.remaining()];
                fa.get(x);
                FloatBuffer fb = b.run(in, 1, size, size, 32);
                for (int k = 0; k < x.length; k++) {
                    double d = fb.get(k) - x[k];
                    err += d * d;
                    ref += x[k] * x[k];
                }
            }
        }
        return Math.sqrt(err / ref);
    }

    @Test
    void theDetectorTakesTheInt8ModelLikeAnFp32One() throws Exception {
        Path model = Files.write(dir.resolve("detector-int8.onnx"), result.model().toByteArray());
        try (YoloDetector d = YoloDetector.open(ModelSource.onnx(model, null), Device.CPU, 1, new DarknetLetterbox(),
                DecodeOptions.DEFAULTS.withThresh(0.01f), null)) {
            assertEquals(List.of("cat", "dog", "bird"), d.info().names());
            assertFalse(d.detect(List.of(photo(120, 90, 5)), 64, 64).detections().get(0).isEmpty());
        }
    }

    @Test
    void atMostKeepsTheSampleSpreadOverTheInput() {
        SampledFrames eight = SampledFrames.of(images, 200);
        SampledFrames four = eight.atMost(4);
        assertEquals(4, four.count());
        assertTrue(four.describe().startsWith("4 image(s)"), four.describe());
        List<RgbImage> got = new ArrayList<>();
        assertEquals(4, four.forEach(got::add));
        // img0, img2, img4, img6 of the 8 (widths 96 + 8*i): every other one, not the first four
        assertEquals(List.of(96, 112, 128, 144), got.stream().map(RgbImage::width).toList());
        assertEquals(eight, eight.atMost(8));
        assertThrows(ModelException.class, () -> eight.atMost(0));
    }

    @Test
    void badCalibrationInputsAreClearErrors() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        ModelException e = assertThrows(ModelException.class, () -> SampledFrames.of(empty, 10));
        assertEquals("images " + empty + ": expected .jpg/.jpeg/.png/.bmp images in the folder, found none (empty"
                + " folder)", e.getMessage());
        // the model core reads no video itself: without a VideoFrames (yolostream-model-video) a video is refused
        Path video = Files.write(dir.resolve("clip.mp4"), new byte[4096]);
        e = assertThrows(ModelException.class, () -> SampledFrames.of(video, 10));
        assertTrue(e.getMessage().startsWith("images " + video + ": expected a folder of images or an image"),
                e.getMessage());
        Path missing = dir.resolve("nowhere");
        e = assertThrows(ModelException.class, () -> SampledFrames.of(missing, 10));
        assertTrue(e.getMessage().endsWith("found no such file or folder"), e.getMessage());
    }

    @Test
    void anInt8ModelIsNotQuantizedTwice() {
        ModelException e = assertThrows(ModelException.class, () -> Int8Quantizer.quantize(result.model(),
                "tiny-int8.onnx", new DarknetLetterbox(), SampledFrames.of(images, 2), OPTIONS, null));
        assertEquals("model tiny-int8.onnx: expected an fp32 model, found one already quantized (int8-qdq)",
                e.getMessage());
        assertNotNull(result.ranges().get("images"));
    }
    @Test
    void autoKeepsTheFirstConvolutionInFp32OnlyWhenTheMeasuredErrorSaysSo() {
        Int8Quantizer.Result auto = Int8Quantizer.quantize(OnnxModel.read(fp32, "tiny.onnx"), "tiny.onnx",
                new DarknetLetterbox(), SampledFrames.of(images, 200), new Int8Quantizer.Options(
                        RangeMethod.PERCENTILE, 99.999, EnumSet.of(QdqPlan.Keep.LAST), 1, true), null);
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("auto: output error \\(relative RMS\\) ([0-9.]+) with the first conv int8, ([0-9.]+) with it fp32")
                .matcher(auto.choice());
        assertTrue(m.matches(), auto.choice());
        double int8First = Double.parseDouble(m.group(1));
        double fp32First = Double.parseDouble(m.group(2));
        assertTrue(int8First > 0 && fp32First > 0, auto.choice());
        boolean first = fp32First <= (1 - Int8Quantizer.FIRST_CONV_GAIN) * int8First;
        assertEquals(first ? "first,last" : "last", auto.model().metadata.get(Int8Quantizer.META + ".fp32-convs"));
        assertEquals(first ? 5 : 6, auto.plan().convs().size());
        assertEquals(auto.choice(), auto.model().metadata.get(Int8Quantizer.META + ".fp32-convs.choice"));
        assertEquals("given", result.choice());
        assertFalse(result.model().metadata.containsKey(Int8Quantizer.META + ".fp32-convs.choice"));
    }
}
