package io.yolostream.deploy.cli;

import io.yolostream.detector.darknet.DarknetCfg;
import io.yolostream.detector.darknet.DarknetConverter;
import io.yolostream.detector.darknet.DarknetNetwork;
import io.yolostream.detector.faceapi.FaceApiToOnnx;
import io.yolostream.detector.faceapi.TfjsWeights;
import io.yolostream.detector.model.ModelException;
import io.yolostream.detector.model.ModelInfo;
import io.yolostream.detector.onnx.OnnxModel;
import io.yolostream.detector.opencv.Preprocessors;
import io.yolostream.detector.preprocess.ModelPreprocessing;
import io.yolostream.detector.preprocess.Preprocessor;
import io.yolostream.detector.quantize.Int8Quantizer;
import io.yolostream.detector.quantize.QdqPlan;
import io.yolostream.detector.quantize.RangeMethod;
import io.yolostream.detector.quantize.SampledFrames;
import io.yolostream.detector.video.FfmpegVideoFrames;
import io.yolostream.deploy.run.DemoAssets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;

@Command(name = "convert", mixinStandardHelpOptions = true,
        description = {"Convert a darknet YOLOv2 / YOLO9000 model (.cfg + .weights), or face-api's tiny face detector "
                + "(--faceapi), to a self-describing ONNX file.",
                "The ONNX model takes images [N,3,H,W] (any batch, any multiple of 32) and outputs the raw last "
                        + "convolution; anchors, classes, names and the WordTree are stored in its metadata.",
                "With --int8 the model is quantized after calibration on sample images (QDQ form: int8 weights per "
                        + "output channel, uint8 activations), which ONNX Runtime runs as integer convolutions on "
                        + "CPU. --onnx quantizes a model converted before."},
        footer = {"", "Examples:",
                "  yolostream convert --cfg yolov2-voc.cfg --weights yolov2-voc.weights --names voc.names --out voc.onnx",
                "  yolostream convert --cfg yolo9000.cfg --weights yolo9000.weights --tree 9k.tree --names 9k.names "
                        + "--out yolo9000.onnx",
                "  yolostream convert --faceapi model/tiny_face_detector_model-weights_manifest.json --out face.onnx",
                "  yolostream convert --demo --out demo-yolov2-tiny-voc.onnx",
                "  yolostream convert --onnx voc.onnx --int8 --calibration photos/ --out voc-int8.onnx",
                "  yolostream convert --cfg yolov2-voc.cfg --weights yolov2-voc.weights --int8 --calibration street.mp4 "
                        + "--calibration-frames 300 --out voc-int8.onnx"})
final class ConvertCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--cfg", paramLabel = "FILE", description = "Darknet .cfg file.")
    Path cfg;

    @Option(names = "--weights", paramLabel = "FILE",
            description = "Darknet .weights file (with --faceapi: the .bin, default: the one its manifest names).")
    Path weights;

    @Option(names = "--faceapi", paramLabel = "MANIFEST",
            description = "Instead of --cfg: face-api's tiny face detector, "
                    + "tiny_face_detector_model-weights_manifest.json (npm @vladmandic/face-api 1.7.15, MIT).")
    Path faceapi;

    @Option(names = "--demo",
            description = "Instead of --cfg/--weights: the demo model of `run` (darknet's yolov2-tiny-voc with seeded "
                    + "random weights, made here, nothing downloaded; the same file every time). Its boxes mean "
                    + "nothing; it lets a pipeline run end to end (Docker Compose's model-init writes it).")
    boolean demo;

    @Option(names = "--onnx", paramLabel = "FILE|NAME",
            description = "An fp32 model converted by yolostream, or a model name (yolostream models list; pulled on "
                    + "first use), instead of --cfg/--weights; needs --int8.")
    Path onnx;

    @Option(names = "--names", paramLabel = "FILE", description = "Class names, one per line.")
    Path names;

    @Option(names = "--tree", paramLabel = "FILE",
            description = "WordTree file for YOLO9000 (default: the cfg's tree= path, looked up next to the cfg).")
    Path tree;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "ONNX file to write.")
    Path out;

    @Option(names = "--int8", description = "Write an int8 (QDQ) model calibrated on --calibration.")
    boolean int8;

    @Option(names = "--calibration", paramLabel = "DIR|VIDEO",
            description = "Calibration input for --int8: a folder of .jpg/.png images, one image, or a video file.")
    Path calibration;

    @Option(names = "--calibration-frames", defaultValue = "200", paramLabel = "N",
            description = "Images to calibrate on, taken evenly from the input. Default: ${DEFAULT-VALUE}.")
    int calibrationFrames;

    @Option(names = "--calibration-method", defaultValue = "percentile", paramLabel = "METHOD",
            description = "How activation ranges are chosen: minmax, percentile (clip at --percentile at both ends) "
                    + "or entropy (KL-optimal clipping). Default: ${DEFAULT-VALUE}.")
    String method;

    @Option(names = "--percentile", defaultValue = "99.999", paramLabel = "P",
            description = "Percentile for --calibration-method percentile. Default: ${DEFAULT-VALUE}.")
    double percentile;

    @Option(names = "--fp32-convs", defaultValue = "auto", split = ",", paramLabel = "WHICH",
            description = "Convolutions kept in fp32 for accuracy: first, last (the output layer), both "
                    + "(first,last), none, or auto: the last, and the first too when that cuts the output's error on "
                    + "the calibration images by 10%% or more (measured). Default: ${DEFAULT-VALUE}.")
    List<String> fp32Convs;

    @Option(names = "--preprocess", paramLabel = "KIND",
            description = "Preprocessing for calibration (darknet or opencv). Default: the model's own.")
    String preprocess;

    @Option(names = "--threads", defaultValue = "0", paramLabel = "N",
            description = "Inference threads for calibration; 0 = one per core. Default: ${DEFAULT-VALUE}.")
    int threads;

    @Override
    public Integer call() throws IOException {
        if (!demo) {
            return convert();
        }
        if (cfg != null || weights != null || names != null || tree != null || faceapi != null || onnx != null) {
            throw new ModelException("--demo: expected no other model (--cfg, --weights, --names, --tree, --faceapi,"
                    + " --onnx), found " + ((cfg != null ? "--cfg " : "") + (weights != null ? "--weights " : "")
                    + (names != null ? "--names " : "") + (tree != null ? "--tree " : "")
                    + (faceapi != null ? "--faceapi " : "") + (onnx != null ? "--onnx" : "")).strip());
        }
        Path dir = Files.createTempDirectory("yolostream-demo-model");
        try {
            DemoAssets.Model model = DemoAssets.model(dir);
            cfg = model.cfg();
            weights = model.weights();
            names = model.names();
            return convert();
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    private Integer convert() throws IOException {
        if (faceapi != null && !int8) {
            checkOptions();
            return convertFaceApi();
        }
        long started = System.nanoTime();
        checkOptions();
        // a bad calibration input fails before minutes of conversion
        SampledFrames frames = int8 ? SampledFrames.of(calibration, calibrationFrames, FfmpegVideoFrames.INSTANCE) : null;
        Int8Quantizer.Options options = int8 ? new Int8Quantizer.Options(RangeMethod.parse(method), percentile,
                keep(), threads, auto()) : null;
        PrintWriter o = spec.commandLine().getOut();
        byte[] fp32;
        String source;
        if (faceapi != null) {
            fp32 = FaceApiToOnnx.toOnnx(faceapi, faceApiBin());
            source = faceapi.toString();
        } else if (onnx != null) {
            onnx = ModelOptions.resolve(onnx.toString()); // a catalog name too
            if (!Files.isRegularFile(onnx)) {
                throw new ModelException("--onnx " + onnx + ": expected an ONNX file, found "
                        + (Files.exists(onnx) ? "something that is not a regular file" : "no such file"));
            }
            fp32 = Files.readAllBytes(onnx);
            source = onnx.toString();
        } else {
            DarknetNetwork net = DarknetNetwork.of(DarknetCfg.read(cfg));
            long floats = net.weightCount();
            DarknetConverter.Result result;
            try (ProgressBar bar = new ProgressBar(System.err, "convert", floats, "Mfloats", 1e6)) {
                result = DarknetConverter.convert(new DarknetConverter.Files(cfg, weights, names, tree), bar::update);
            }
            source = cfg.toString();
            ModelInfo info = result.info();
            if (!int8) {
                write(result.graph()::writeTo);
                o.printf(Locale.ROOT, "wrote %s: %d layers, %.1f M parameters, %d classes%s, %d anchors, nominal input"
                                + " %dx%d, output %d channels at 1/%d (%.1f MB, %.1f s)%n", out, net.layers().size(),
                        floats / 1e6, info.classes(), info.hierarchical() ? " (WordTree)" : "", info.num(),
                        info.inputWidth(), info.inputHeight(), info.outputChannels(), info.stride(),
                        Files.size(out) / 1e6, (System.nanoTime() - started) / 1e9);
                o.flush();
                return 0;
            }
            fp32 = result.graph().toByteArray();
        }
        OnnxModel model = OnnxModel.read(fp32, source);
        ModelInfo info = ModelInfo.fromMetadata(model.metadata, source);
        Preprocessor pre = ModelPreprocessing.forModel(info,
                Preprocessors.byName(preprocess == null ? "darknet" : preprocess));
        Int8Quantizer.Result r;
        try (ProgressBar bar = new ProgressBar(System.err, "calibrate", frames.count(), "images", 1)) {
            r = Int8Quantizer.quantize(model, source, pre, frames, options, bar::update);
        }
        byte[] int8Bytes = r.model().toByteArray();
        write(os -> os.write(int8Bytes));
        o.printf(Locale.ROOT, "wrote %s: int8 QDQ, %d of %d convolutions int8 (fp32: %s), calibrated on %d images "
                        + "(%s, %s preprocess at %dx%d), %.1f MB (fp32 %.1f MB), %.1f s%n", out, r.plan().convs().size(),
                r.plan().convs().size() + r.plan().fp32().size(),
                r.model().metadata.get(Int8Quantizer.META + ".fp32-convs"), r.images(),
                r.model().metadata.get(Int8Quantizer.META + ".calibration.method"), pre.name(), info.inputWidth(),
                info.inputHeight(), Files.size(out) / 1e6, fp32.length / 1e6, (System.nanoTime() - started) / 1e9);
        if (!r.choice().equals("given")) {
            o.println("  fp32 convolutions: " + r.choice());
        }
        o.flush();
        return 0;
    }

    private void checkOptions() {
        if ((onnx != null ? 1 : 0) + (cfg != null ? 1 : 0) + (faceapi != null ? 1 : 0) > 1) {
            throw new ModelException("convert: expected one model: --cfg with --weights, --faceapi MANIFEST or --onnx"
                    + " with --int8, found " + ((cfg != null ? "--cfg " : "") + (faceapi != null ? "--faceapi " : "")
                    + (onnx != null ? "--onnx" : "")).strip());
        }
        if (onnx != null && weights != null) {
            throw new ModelException("--weights " + weights + ": expected with --cfg or --faceapi, found --onnx");
        }
        if (onnx == null && faceapi == null && (cfg == null || weights == null)) {
            throw new ModelException("convert: expected --cfg and --weights (or --faceapi MANIFEST, or --onnx with "
                    + "--int8), found " + (cfg == null ? "no --cfg" : "no --weights"));
        }
        if (onnx != null && !int8) {
            throw new ModelException("--onnx " + onnx + ": expected --int8 (an ONNX model needs no conversion"
                    + " otherwise), found none");
        }
        if (int8 && calibration == null) {
            throw new ModelException("--int8: expected --calibration DIR|VIDEO (sample images for the activation"
                    + " ranges), found none");
        }
        if (!int8 && calibration != null) {
            throw new ModelException("--calibration " + calibration + ": expected --int8 with it, found none");
        }
    }

    private Set<QdqPlan.Keep> keep() {
        Set<QdqPlan.Keep> keep = EnumSet.noneOf(QdqPlan.Keep.class);
        for (String k : fp32Convs) {
            switch (k.strip().toLowerCase(Locale.ROOT)) {
                case "first" -> keep.add(QdqPlan.Keep.FIRST);
                case "last" -> keep.add(QdqPlan.Keep.LAST);
                case "auto" -> keep.add(QdqPlan.Keep.LAST);
                case "none" -> {
                }
                default -> throw new ModelException("--fp32-convs: expected auto, first, last or none, found '" + k
                        + "'");
            }
        }
        return keep;
    }

    private boolean auto() {
        boolean auto = fp32Convs.stream().anyMatch(k -> k.strip().equalsIgnoreCase("auto"));
        if (auto && fp32Convs.size() > 1) {
            throw new ModelException("--fp32-convs: expected auto alone, found " + String.join(",", fp32Convs));
        }
        return auto;
    }

    private interface Body {
        void writeTo(OutputStream os) throws IOException;
    }

    private void write(Body body) throws IOException {
        Path parent = out.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
        try {
            try (OutputStream os = Files.newOutputStream(tmp)) {
                body.writeTo(os);
            }
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw new ModelException("output " + out + ": cannot write it: " + e.getMessage(), e);
        }
    }

    private Path faceApiBin() {
        return weights != null ? weights : TfjsWeights.singleShard(faceapi);
    }

    private Integer convertFaceApi() throws IOException {
        byte[] onnx = FaceApiToOnnx.toOnnx(faceapi, faceApiBin());
        write(os -> os.write(onnx));
        ModelInfo info = FaceApiToOnnx.info("");
        spec.commandLine().getOut().printf(Locale.ROOT, "wrote %s: face-api tiny face detector, classes %s, %d anchors,"
                        + " nominal input %dx%d, preprocess %s (%.1f MB)%n", out, info.names(), info.num(),
                info.inputWidth(), info.inputHeight(), info.preprocess(), Files.size(out) / 1e6);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
