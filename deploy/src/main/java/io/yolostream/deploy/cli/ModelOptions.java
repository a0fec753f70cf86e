package io.yolostream.deploy.cli;

import io.yolostream.detector.ModelSource;
import io.yolostream.detector.YoloDetector;
import io.yolostream.detector.catalog.ModelRef;
import io.yolostream.detector.catalog.ModelStore;
import io.yolostream.detector.darknet.DarknetConverter;
import io.yolostream.detector.decode.DecodeOptions;
import io.yolostream.detector.model.ModelException;
import io.yolostream.detector.model.ModelInfo;
import io.yolostream.detector.opencv.Preprocessors;
import io.yolostream.detector.preprocess.Preprocessor;
import io.yolostream.detector.runtime.Device;
import io.yolostream.wordtree.LabelNames;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Options shared by the commands that load and run a model. */
final class ModelOptions {
    @Option(names = {"-m", "--model"}, required = true, paramLabel = "MODEL",
            description = "A model name from `yolostream models list` (pulled into the cache on first use), a model "
                    + "converted by `yolostream convert` (.onnx), a YOLOv2 .onnx exported elsewhere (with --anchors "
                    + "and --names), or a darknet .cfg (with --weights; converted in memory).")
    String model;

    @Option(names = "--weights", paramLabel = "FILE", description = "Darknet .weights for a .cfg --model.")
    Path weights;

    @Option(names = "--names", paramLabel = "FILE",
            description = "Class names, one per line (for a .cfg model, or to rename the classes of an .onnx).")
    Path names;

    @Option(names = "--tree", paramLabel = "FILE",
            description = "WordTree (.tree) for a YOLO9000 .cfg model; default: the tree= file of its cfg.")
    Path tree;

    @Option(names = "--anchors", paramLabel = "W,H,...",
            description = "Anchors for an .onnx without yolostream metadata, e.g. 1.08,1.19,3.42,4.41,...")
    String anchors;

    @Option(names = "--device", defaultValue = "auto", paramLabel = "DEVICE",
            description = "auto (CUDA if usable, else CPU), cpu, cuda or cuda:N. Default: ${DEFAULT-VALUE}.")
    String device;

    @Option(names = "--threads", defaultValue = "0", paramLabel = "N",
            description = "CPU inference threads; 0 = one per core. Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(names = "--preprocess", defaultValue = "darknet", paramLabel = "KIND",
            description = "darknet (exact darknet letterbox, pure Java) or opencv (OpenCV resize: faster, "
                    + "slightly different pixels). A model whose metadata names its own preprocessing (face-tiny: "
                    + "face-api's padding) gets it with darknet; opencv is refused for it. Default: ${DEFAULT-VALUE}.")
    String preprocess;

    /**
     * The model file a model option names: the file itself, or the cached ONNX of a catalog model (pulled on first
     * use, with progress bars on stderr). Every command's model option goes through here.
     */
    static Path resolve(String model) {
        try (DownloadBars bars = new DownloadBars(System.err)) {
            return ModelRef.resolve(model, ModelStore::fromEnvironment, bars);
        }
    }

    ModelSource source() {
        Path model = resolve(this.model);
        ModelSource.Overrides overrides = ModelSource.Overrides.NONE;
        if (!model.toString().endsWith(".cfg") && (anchors != null || names != null)) {
            List<String> problems = new ArrayList<>();
            float[] a = anchors == null ? null : ModelInfo.parseFloats(anchors, "--anchors", problems);
            if (!problems.isEmpty()) {
                throw new ModelException(String.join("; ", problems));
            }
            overrides = new ModelSource.Overrides(a, names == null ? null : LabelNames.read(names), null);
        }
        return ModelSource.of(model, weights, model.toString().endsWith(".cfg") ? names : null, tree, overrides);
    }

    Preprocessor preprocessor() {
        return Preprocessors.byName(preprocess);
    }

    YoloDetector open(DecodeOptions decode, ProgressBar progress) {
        return YoloDetector.open(source(), Device.parse(device), threads, preprocessor(), decode,
                progress == null ? null : progress::update);
    }

    /** "416" or "416x320" (width x height). */
    static int[] size(String text, ModelInfo info) {
        if (text == null) {
            return new int[]{info.inputWidth(), info.inputHeight()};
        }
        String[] parts = text.toLowerCase(Locale.ROOT).split("x");
        try {
            if (parts.length == 1) {
                int s = Integer.parseInt(parts[0].strip());
                return new int[]{s, s};
            }
            if (parts.length == 2) {
                return new int[]{Integer.parseInt(parts[0].strip()), Integer.parseInt(parts[1].strip())};
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new ModelException("--size: expected N or WxH (multiples of 32), found '" + text + "'");
    }
}
