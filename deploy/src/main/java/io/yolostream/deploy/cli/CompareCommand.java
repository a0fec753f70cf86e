package io.yolostream.deploy.cli;

import io.yolostream.detector.ModelSource;
import io.yolostream.detector.YoloDetector;
import io.yolostream.detector.decode.DecodeOptions;
import io.yolostream.detector.decode.DetectedBox;
import io.yolostream.detector.model.ModelException;
import io.yolostream.detector.opencv.Preprocessors;
import io.yolostream.detector.preprocess.RgbImage;
import io.yolostream.detector.quantize.Agreement;
import io.yolostream.detector.quantize.SampledFrames;
import io.yolostream.detector.runtime.Device;
import io.yolostream.detector.video.FfmpegVideoFrames;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"Compare two models' detections on the same images: the share of A's detections (score at "
                + "least --thresh) that B finds with the same label and IoU at least --iou, and the other way round.",
                "For an int8 model against its fp32 original, or any two yolostream models (.onnx, or a darknet pair "
                        + "given as CFG,WEIGHTS)."},
        footer = {"", "Examples:",
                "  yolostream compare --model voc.onnx --model voc-int8.onnx photos/ street.mp4",
                "  yolostream compare --model yolov2-voc.cfg,yolov2-voc.weights --model voc-int8.onnx --names voc.names "
                        + "dog.jpg"})
final class CompareCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-m", "--model"}, required = true, arity = "1", paramLabel = "MODEL",
            description = "Give it twice (A, then B): an .onnx file, a model name (yolostream models list; pulled "
                    + "on first use), or a darknet CFG,WEIGHTS pair.")
    List<String> models;

    @Option(names = "--names", paramLabel = "FILE", description = "Class names for darknet CFG,WEIGHTS models.")
    Path names;

    @Option(names = "--thresh", defaultValue = "0.24", paramLabel = "SCORE",
            description = "Score threshold. Default: ${DEFAULT-VALUE}.")
    float thresh;

    @Option(names = "--iou", defaultValue = "0.5", paramLabel = "IOU",
            description = "IoU for a match. Default: ${DEFAULT-VALUE}.")
    float iou;

    @Option(names = "--frames", defaultValue = "200", paramLabel = "N",
            description = "At most N images per input (spread evenly over a folder or video). "
                    + "Default: ${DEFAULT-VALUE}.")
    int frames;

    @Option(names = "--size", paramLabel = "N", description = "Network input size (default: model A's own).")
    Integer size;

    @Option(names = "--preprocess", paramLabel = "KIND",
            description = "darknet or opencv for both models. Default: each model's own.")
    String preprocess;

    @Option(names = "--device", defaultValue = "cpu", paramLabel = "DEVICE",
            description = "cpu, auto, cuda or cuda:N. Default: ${DEFAULT-VALUE}.")
    String device;

    @Option(names = "--threads", defaultValue = "0", paramLabel = "N",
            description = "CPU inference threads; 0 = one per core. Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(names = "--per-input", description = "Also print one line per input.")
    boolean perInput;

    @Parameters(arity = "1..*", paramLabel = "INPUT", description = "Images, folders of images, or video files.")
    List<Path> inputs;

    @Override
    public Integer call() {
        if (models.size() != 2) {
            throw new ModelException("--model: expected exactly two models (A and B), found " + models.size());
        }
        PrintWriter out = spec.commandLine().getOut();
        List<SampledFrames> sets = new ArrayList<>();
        for (Path p : inputs) {
            sets.add(SampledFrames.of(p, frames, FfmpegVideoFrames.INSTANCE));
        }
        DecodeOptions decode = DecodeOptions.DEFAULTS.withThresh(thresh);
        try (YoloDetector a = open(models.get(0), decode); YoloDetector b = open(models.get(1), decode)) {
            if (a.info().classes() != b.info().classes()) {
                throw new ModelException("--model: expected two models with the same classes, found "
                        + a.info().classes() + " and " + b.info().classes());
            }
            int w = size != null ? size : a.info().inputWidth();
            int h = size != null ? size : a.info().inputHeight();
            a.checkSize(w, h);
            out.printf(Locale.ROOT, "A %s (%s), B %s (%s), %dx%d, thresh %.2f, IoU %.2f%n", models.get(0),
                    a.preprocessor().name(), models.get(1), b.preprocessor().name(), w, h, thresh, iou);
            Agreement total = new Agreement(iou);
            int images = 0;
            for (int i = 0; i < sets.size(); i++) {
                Agreement one = new Agreement(iou);
                int n = sets.get(i).forEach((RgbImage img) -> {
                    List<DetectedBox> da = a.detect(List.of(img), w, h).detections().get(0);
                    List<DetectedBox> db = b.detect(List.of(img), w, h).detections().get(0);
                    one.add(da, db);
                });
                images += n;
                total.add(one);
                if (perInput) {
                    out.println("  " + line(inputs.get(i) + " (" + n + " images)", one));
                }
            }
            out.println(line(images + " images", total));
            out.printf(Locale.ROOT, "agreement A->B %.1f%%, B->A %.1f%%%n", 100 * total.aInB(), 100 * total.bInA());
            out.flush();
        }
        return 0;
    }

    private static String line(String what, Agreement g) {
        return String.format(Locale.ROOT, "%s: A %d detections, %d found by B (%.1f%%); B %d detections, %d found by"
                + " A (%.1f%%)", what, g.countA(), g.aFoundByB(), 100 * g.aInB(), g.countB(), g.bFoundByA(),
                100 * g.bInA());
    }

    private YoloDetector open(String model, DecodeOptions decode) {
        ModelSource source;
        String[] parts = model.split(",");
        if (parts.length == 2) {
            source = ModelSource.of(Path.of(parts[0]), Path.of(parts[1]), names, null, ModelSource.Overrides.NONE);
        } else if (parts.length == 1 && !model.endsWith(".cfg")) {
            source = ModelSource.onnx(ModelOptions.resolve(model), null);
        } else {
            throw new ModelException("--model " + model + ": expected an .onnx file or CFG,WEIGHTS, found "
                    + (model.endsWith(".cfg") ? "a .cfg without weights" : parts.length + " comma-separated parts"));
        }
        // the model's metadata picks its own preprocessing from "darknet" (YoloDetector.open)
        return YoloDetector.open(source, Device.parse(device), threads,
                Preprocessors.byName(preprocess == null ? "darknet" : preprocess), decode, null);
    }
}
