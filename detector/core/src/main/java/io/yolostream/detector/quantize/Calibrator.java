package io.yolostream.detector.quantize;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.yolostream.detector.model.ModelException;
import io.yolostream.detector.onnx.OnnxModel;
import org.slf4j.LoggerFactory;

import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs the fp32 model with the activations to quantize as extra graph outputs and accumulates their
 * {@link TensorStats}. Owns one ONNX Runtime session.
 */
public final class Calibrator implements AutoCloseable {
    private final String source;
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession.SessionOptions options;
    private final OrtSession session;
    private final String inputName;
    private final Set<String> fetched = new LinkedHashSet<>();
    private final Map<String, TensorStats> stats = new LinkedHashMap<>();

    public Calibrator(OnnxModel fp32, List<String> tensors, int threads, String source) {
        this.source = source;
        if (fp32.inputs.size() != 1) {
            throw new ModelException("model " + source + ": expected one input (images), found " + fp32.inputs.size());
        }
        inputName = fp32.inputs.get(0).name();
        Set<String> outputs = new LinkedHashSet<>();
        fp32.outputs.forEach(v -> outputs.add(v.name()));
        List<OnnxModel.ValueInfo> extra = new java.util.ArrayList<>();
        for (String t : tensors) {
            stats.put(t, new TensorStats());
            if (t.equals(inputName)) {
                continue;
            }
            if (!outputs.contains(t)) {
                extra.add(OnnxModel.ValueInfo.tensor(t, OnnxModel.FLOAT));
            }
            fetched.add(t);
        }
        OrtSession.SessionOptions opts = null;
        try {
            opts = new OrtSession.SessionOptions();
            // every activation must stay observable: no fusion that would hide one
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.BASIC_OPT);
            if (threads > 0) {
                opts.setIntraOpNumThreads(threads);
            }
            // the activations become graph outputs for this session only
            fp32.outputs.addAll(extra);
            byte[] probe;
            try {
                probe = fp32.toByteArray();
            } finally {
                fp32.outputs.subList(fp32.outputs.size() - extra.size(), fp32.outputs.size()).clear();
            }
            this.session = env.createSession(probe, opts);
            this.options = opts;
        } catch (OrtException e) {
            if (opts != null) {
                opts.close();
            }
            throw new ModelException("model " + source + ": ONNX Runtime cannot load it for calibration: "
                    + e.getMessage(), e);
        }
    }

    /** Adds one preprocessed batch, {@code [batch, 3, height, width]} in {@code input}. */
    public void add(FloatBuffer input, int batch, int height, int width) {
        TensorStats in = stats.get(inputName);
        if (in != null) {
            in.add(input.duplicate().position(0).limit(batch * 3 * height * width));
        }
        try (OnnxTensor t = OnnxTensor.createTensor(env, input.duplicate().position(0)
                .limit(batch * 3 * height * width).slice(), new long[]{batch, 3, height, width});
             OrtSession.Result r = session.run(Map.of(inputName, t), fetched)) {
            for (Map.Entry<String, OnnxValue> e : r) {
                stats.get(e.getKey()).add(((OnnxTensor) e.getValue()).getFloatBuffer());
            }
        } catch (OrtException e) {
            throw new ModelException("model " + source + ": calibration inference failed: " + e.getMessage(), e);
        }
    }

    public Map<String, TensorStats> stats() {
        return stats;
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            LoggerFactory.getLogger(Calibrator.class).warn("closing session", e);
        }
        options.close();
    }
}
