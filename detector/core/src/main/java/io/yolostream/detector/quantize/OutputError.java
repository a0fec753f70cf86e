package io.yolostream.detector.quantize;

import io.yolostream.detector.onnx.OnnxModel;
import io.yolostream.detector.preprocess.Preprocessor;
import io.yolostream.detector.runtime.Device;
import io.yolostream.detector.runtime.OrtRunner;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/** How far quantized models' raw outputs are from the fp32 model's, on sample images. */
final class OutputError {
    /** Enough images for a stable figure without running every calibration image three more times. */
    static final int IMAGES = 16;

    private OutputError() {
    }

    /**
     * sqrt(sum (q - f)^2 / sum f^2) over the raw outputs of up to {@link #IMAGES} of {@code frames} (spread over
     * them, and only those decoded), one figure per candidate, at the model's nominal size.
     */
    static double[] relativeRms(OnnxModel fp32, List<OnnxModel> candidates, Preprocessor preprocessor, int w, int h,
                                int stride, SampledFrames frames, int threads, String source) {
        List<OrtRunner> runners = new ArrayList<>();
        try {
            runners.add(new OrtRunner(fp32.toByteArray(), source, Device.CPU, threads));
            for (OnnxModel c : candidates) {
                runners.add(new OrtRunner(c.toByteArray(), source + " (int8 candidate)", Device.CPU, threads));
            }
            FloatBuffer input = OrtRunner.allocateInput(3 * w * h);
            double[] err = new double[candidates.size()];
            double[] ref = {0};
            frames.atMost(IMAGES).forEach(img -> {
                preprocessor.letterbox(img, w, h, input, 0);
                float[] f = copy(runners.get(0).run(input, 1, h, w, stride));
                for (float v : f) {
                    ref[0] += (double) v * v;
                }
                for (int c = 0; c < err.length; c++) {
                    FloatBuffer q = runners.get(c + 1).run(input, 1, h, w, stride);
                    for (int i = 0; i < f.length; i++) {
                        double d = q.get(i) - f[i];
                        err[c] += d * d;
                    }
                }
            });
            for (int c = 0; c < err.length; c++) {
                err[c] = ref[0] > 0 ? Math.sqrt(err[c] / ref[0]) : 0;
            }
            return err;
        } finally {
            for (int i = runners.size() - 1; i >= 0; i--) {
                runners.get(i).close();
            }
        }
    }

    private static float[] copy(FloatBuffer b) {
        float[] a = new float[b.remaining()];
        b.duplicate().get(a);
        return a;
    }
}
