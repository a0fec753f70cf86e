package io.yolostream.detector.quantize;

import io.yolostream.detector.model.ModelException;
import io.yolostream.detector.model.ModelInfo;
import io.yolostream.detector.onnx.OnnxModel;
import io.yolostream.detector.preprocess.Preprocessor;
import io.yolostream.detector.runtime.OrtRunner;

import java.nio.FloatBuffer;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntConsumer;
import java.util.stream.Collectors;

/**
 * Post-training int8 quantization of one of our fp32 ONNX models: calibrate the activations on sample images with
 * the model's own preprocessing at its nominal input size, then rewrite it in QDQ form ({@link QdqRewriter}).
 * The result carries the fp32 model's metadata plus {@code yolostream.quantization.*} keys.
 */
public final class Int8Quantizer {
    public static final String META = ModelInfo.PREFIX + "quantization";

    /**
     * Keeping the first convolution in fp32 must cut the output's error by this share to be worth its cost (~20% of
     * int8's speed on yolov2-tiny-voc): measured 17% on face-tiny's depthwise net, 2.5% on yolov2-tiny-voc.
     */
    static final double FIRST_CONV_GAIN = 0.10;

    /**
     * @param percentile for {@link RangeMethod#PERCENTILE}, e.g. 99.99
     * @param keepFp32   which convolutions stay fp32
     * @param threads    ONNX Runtime threads for calibration, 0 = one per core
     * @param autoFirst  also decide by measurement whether the first convolution stays fp32 ({@link #FIRST_CONV_GAIN})
     */
    public record Options(RangeMethod method, double percentile, Set<QdqPlan.Keep> keepFp32, int threads,
                          boolean autoFirst) {
        public Options {
            if (method == RangeMethod.PERCENTILE && !(percentile > 50 && percentile <= 100)) {
                throw new ModelException("percentile: expected a value in (50, 100], found " + percentile);
            }
            keepFp32 = Set.copyOf(keepFp32);
        }

        public Options(RangeMethod method, double percentile, Set<QdqPlan.Keep> keepFp32, int threads) {
            this(method, percentile, keepFp32, threads, false);
        }
    }

    /** @param choice how the fp32 convolutions were chosen (with the measured errors for the automatic choice) */
    public record Result(OnnxModel model, QdqPlan plan, int images, Map<String, TensorStats.Range> ranges,
                         String choice) {
    }

    private Int8Quantizer() {
    }

    /** @param progress receives the number of calibration images run so far; may be null */
    public static Result quantize(OnnxModel fp32, String source, Preprocessor preprocessor, SampledFrames frames,
                                  Options options, IntConsumer progress) {
        if (fp32.metadata.containsKey(META)) {
            throw new ModelException("model " + source + ": expected an fp32 model, found one already quantized ("
                    + fp32.metadata.get(META) + ")");
        }
        ModelInfo info = ModelInfo.fromMetadata(fp32.metadata, source);
        QdqPlan plan = QdqPlan.of(fp32, options.keepFp32(), source);
        // the automatic choice needs the ranges of both candidates: with the first conv fp32, what follows it
        // (e.g. its pool) no longer shares the conv's output scale
        Set<QdqPlan.Keep> keepFirst = null;
        QdqPlan planFirst = null;
        if (options.autoFirst() && !options.keepFp32().contains(QdqPlan.Keep.FIRST)) {
            keepFirst = EnumSet.of(QdqPlan.Keep.FIRST);
            keepFirst.addAll(options.keepFp32());
            planFirst = QdqPlan.of(fp32, keepFirst, source);
        }
        Set<String> calibrated = new LinkedHashSet<>(plan.calibrated());
        if (planFirst != null) {
            calibrated.addAll(planFirst.calibrated());
        }
        int w = info.inputWidth();
        int h = info.inputHeight();
        FloatBuffer input = OrtRunner.allocateInput(3 * w * h);
        int images;
        Map<String, TensorStats> stats;
        try (Calibrator cal = new Calibrator(fp32, List.copyOf(calibrated), options.threads(), source)) {
            int[] done = {0};
            images = frames.forEach(img -> {
                preprocessor.letterbox(img, w, h, input, 0);
                cal.add(input, 1, h, w);
                done[0]++;
                if (progress != null) {
                    progress.accept(done[0]);
                }
            });
            stats = cal.stats();
        }
        Map<String, TensorStats.Range> ranges = new LinkedHashMap<>();
        Map<String, QdqRewriter.Activation> params = new LinkedHashMap<>();
        stats.forEach((t, s) -> {
            TensorStats.Range r = s.range(options.method(), options.percentile());
            ranges.put(t, r);
            params.put(t, QdqRewriter.Activation.of(r));
        });
        Set<QdqPlan.Keep> keep = options.keepFp32();
        OnnxModel q = QdqRewriter.rewrite(fp32, plan, params);
        String choice = "given";
        if (planFirst != null && !planFirst.convs().isEmpty()) {
            OnnxModel qFirst = QdqRewriter.rewrite(fp32, planFirst, params);
            double[] err = OutputError.relativeRms(fp32, List.of(q, qFirst), preprocessor, w, h, info.stride(), frames,
                    options.threads(), source);
            choice = String.format(Locale.ROOT, "auto: output error (relative RMS) %.4f with the first conv int8, "
                    + "%.4f with it fp32", err[0], err[1]);
            if (err[1] <= (1 - FIRST_CONV_GAIN) * err[0]) {
                q = qFirst;
                plan = planFirst;
                keep = keepFirst;
            }
        }
        q.metadata.put(META, "int8-qdq");
        q.metadata.put(META + ".calibration.method", options.method() == RangeMethod.PERCENTILE
                ? String.format(Locale.ROOT, "percentile %.4f", options.percentile()) : options.method().label());
        q.metadata.put(META + ".calibration.images", Integer.toString(images));
        q.metadata.put(META + ".calibration.preprocess", preprocessor.name());
        q.metadata.put(META + ".fp32-convs", keep.isEmpty() ? "none"
                : new TreeSet<>(keep).stream().map(k -> k.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(",")));
        q.metadata.put(META + ".int8-convs", Integer.toString(plan.convs().size()));
        if (!choice.equals("given")) {
            q.metadata.put(META + ".fp32-convs.choice", choice);
        }
        return new Result(q, plan, images, ranges, choice);
    }
}
