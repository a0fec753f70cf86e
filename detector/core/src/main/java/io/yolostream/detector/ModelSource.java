package io.yolostream.detector;

import io.yolostream.detector.darknet.DarknetConverter;
import io.yolostream.detector.model.ModelException;
import io.yolostream.detector.model.ModelInfo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Where a model comes from: an ONNX file (ours, self-describing; or a YOLOv2 exported elsewhere plus the anchors and
 * names the user gives), or a darknet cfg + weights pair converted in memory.
 */
public final class ModelSource {
    private final String description;
    private final Path onnx;
    private final DarknetConverter.Files darknet;
    private final Overrides overrides;

    /** Decoding facts for an ONNX file without yolostream metadata. Null fields are taken from the file. */
    public record Overrides(float[] anchors, List<String> names, Boolean softmax) {
        public static final Overrides NONE = new Overrides(null, null, null);

        public boolean isEmpty() {
            return anchors == null && names == null && softmax == null;
        }
    }

    private ModelSource(String description, Path onnx, DarknetConverter.Files darknet, Overrides overrides) {
        this.description = description;
        this.onnx = onnx;
        this.darknet = darknet;
        this.overrides = overrides;
    }

    /** An ONNX file as converted (names, anchors and preprocessing from its metadata). */
    public static ModelSource onnx(Path file) {
        return onnx(file, null);
    }

    public static ModelSource onnx(Path file, Overrides overrides) {
        return new ModelSource(file.toString(), file, null, overrides == null ? Overrides.NONE : overrides);
    }

    public static ModelSource darknet(DarknetConverter.Files files) {
        return new ModelSource(files.cfg() + " + " + files.weights(), null, files, Overrides.NONE);
    }

    /** Picks by extension: {@code .cfg} needs {@code weights}; anything else is read as ONNX. */
    public static ModelSource of(Path model, Path weights, Path names, Path tree, Overrides overrides) {
        if (model.toString().endsWith(".cfg")) {
            if (weights == null) {
                throw new ModelException("model " + model + ": expected --weights with a darknet .cfg, found none");
            }
            return darknet(new DarknetConverter.Files(model, weights, names, tree));
        }
        if (weights != null) {
            throw new ModelException("model " + model + ": --weights goes with a darknet .cfg, found an ONNX model");
        }
        return onnx(model, overrides);
    }

    public String description() {
        return description;
    }

    public Overrides overrides() {
        return overrides;
    }

    /** The model as ONNX bytes plus, for darknet sources, its metadata (null: read it from the ONNX file). */
    public Loaded load(LongConsumer progress) {
        if (darknet != null) {
            DarknetConverter.Result r = DarknetConverter.convert(darknet, progress);
            return new Loaded(r.graph().toByteArray(), r.info());
        }
        if (!Files.isRegularFile(onnx)) {
            throw new ModelException("model " + onnx + ": expected an ONNX file, found "
                    + (Files.exists(onnx) ? "something that is not a regular file" : "no such file"));
        }
        try {
            return new Loaded(Files.readAllBytes(onnx), null);
        } catch (IOException e) {
            throw new ModelException("model " + onnx + ": cannot read it: " + e.getMessage(), e);
        }
    }

    public record Loaded(byte[] onnx, ModelInfo info) {
    }
}
