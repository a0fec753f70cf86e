package io.yolostream.detector.quantize;

import io.yolostream.detector.model.ModelException;
import io.yolostream.detector.model.ModelInfo;
import io.yolostream.detector.onnx.OnnxModel;
import io.yolostream.detector.preprocess.DarknetLetterbox;
import io.yolostream.detector.preprocess.ModelPreprocessing;
import io.yolostream.detector.preprocess.Preprocessor;
import io.yolostream.detector.runtime.OrtRunner;

import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
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
     * @param percentile for {@link RangeMethod#PERCENTILE}, e.g. 99.99
     * @param keepFp32   which convolutions stay fp32
     * @param threads    ONNX Runtime threads for calibration, 0 = one per core
     */
    public record Options(RangeMethod method, double percentile, Set<QdqPlan.Keep> keepFp32, int threads) {
        public Options {
            if (method == RangeMethod.PERCENTILE && !(percentile > 50 && percentile <= 100)) {
                throw new ModelException("percentile: expected a value in (50, 100], found " + percentile);
            }
            keepFp32 = Set.copyOf(keepFp32);
        }
    }

    public record Result(OnnxModel model, QdqPlan plan, int images, Map<String, TensorStats.Range> ranges) {
    }

    private Int8Quantizer() {
    }

    /** The preprocessing a model's metadata names ({@code yolostream.preprocess}), looked up like the CLI's. */
    public static Preprocessor modelPreprocessor(ModelInfo info) {
        return ModelPreprocessing.forModel(info, new DarknetLetterbox());
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
        int w = info.inputWidth();
        int h = info.inputHeight();
        FloatBuffer input = OrtRunner.allocateInput(3 * w * h);
        int images;
        Map<String, TensorStats> stats;
        try (Calibrator cal = new Calibrator(fp32, plan.calibrated(), options.threads(), source)) {
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
        OnnxModel q = QdqRewriter.rewrite(fp32, plan, params);
        q.metadata.put(META, "int8-qdq");
        q.metadata.put(META + ".calibration.method", options.method() == RangeMethod.PERCENTILE
                ? String.format(Locale.ROOT, "percentile %.4f", options.percentile()) : options.method().label());
        q.metadata.put(META + ".calibration.images", Integer.toString(images));
        q.metadata.put(META + ".calibration.preprocess", preprocessor.name());
        q.metadata.put(META + ".fp32-convs", options.keepFp32().isEmpty() ? "none"
                : new TreeSet<>(options.keepFp32()).stream().map(k -> k.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(",")));
        q.metadata.put(META + ".int8-convs", Integer.toString(plan.convs().size()));
        return new Result(q, plan, images, ranges);
    }
}
