package io.yolostream.deploy.cli;

import io.yolostream.detector.darknet.DarknetConverter;
import io.yolostream.detector.darknet.DarknetNetwork;
import io.yolostream.detector.darknet.DarknetCfg;
import io.yolostream.detector.faceapi.FaceApiToOnnx;
import io.yolostream.detector.faceapi.TfjsWeights;
import io.yolostream.detector.model.ModelException;
import io.yolostream.detector.model.ModelInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "convert", mixinStandardHelpOptions = true,
        description = {"Convert a darknet YOLOv2 / YOLO9000 model (.cfg + .weights), or face-api's tiny face detector "
                + "(--faceapi), to a self-describing ONNX file.",
                "The ONNX model takes images [N,3,H,W] (any batch, any multiple of 32) and outputs the raw last "
                        + "convolution; anchors, classes, names and the WordTree are stored in its metadata."},
        footer = {"", "Examples:",
                "  yolostream convert --cfg yolov2-voc.cfg --weights yolov2-voc.weights --names voc.names --out voc.onnx",
                "  yolostream convert --cfg yolo9000.cfg --weights yolo9000.weights --tree 9k.tree --names 9k.names "
                        + "--out yolo9000.onnx",
                "  yolostream convert --faceapi model/tiny_face_detector_model-weights_manifest.json --out face.onnx"})
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

    @Option(names = "--names", paramLabel = "FILE", description = "Class names, one per line.")
    Path names;

    @Option(names = "--tree", paramLabel = "FILE",
            description = "WordTree file for YOLO9000 (default: the cfg's tree= path, looked up next to the cfg).")
    Path tree;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "ONNX file to write.")
    Path out;

    @Override
    public Integer call() throws IOException {
        if (faceapi != null) {
            return convertFaceApi();
        }
        if (cfg == null || weights == null) {
            throw new ModelException("convert: expected --cfg and --weights (or --faceapi MANIFEST), found "
                    + (cfg == null ? "no --cfg" : "no --weights"));
        }
        PrintWriter err = spec.commandLine().getErr();
        long started = System.nanoTime();
        DarknetNetwork net = DarknetNetwork.of(DarknetCfg.read(cfg));
        long floats = net.weightCount();
        DarknetConverter.Result result;
        try (ProgressBar bar = new ProgressBar(System.err, "convert", floats, "Mfloats", 1e6)) {
            result = DarknetConverter.convert(new DarknetConverter.Files(cfg, weights, names, tree), bar::update);
        }
        Path parent = out.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
        try {
            try (OutputStream os = Files.newOutputStream(tmp)) {
                result.graph().writeTo(os);
            }
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw new ModelException("output " + out + ": cannot write it: " + e.getMessage(), e);
        }
        ModelInfo info = result.info();
        PrintWriter o = spec.commandLine().getOut();
        o.printf(Locale.ROOT, "wrote %s: %d layers, %.1f M parameters, %d classes%s, %d anchors, nominal input %dx%d,"
                        + " output %d channels at 1/%d (%.1f MB, %.1f s)%n", out, net.layers().size(), floats / 1e6,
                info.classes(), info.hierarchical() ? " (WordTree)" : "", info.num(), info.inputWidth(),
                info.inputHeight(), info.outputChannels(), info.stride(), Files.size(out) / 1e6,
                (System.nanoTime() - started) / 1e9);
        o.flush();
        err.flush();
        return 0;
    }

    private Integer convertFaceApi() throws IOException {
        if (cfg != null) {
            throw new ModelException("convert: expected --cfg or --faceapi, found both");
        }
        Path bin = weights != null ? weights : TfjsWeights.singleShard(faceapi);
        byte[] onnx = FaceApiToOnnx.toOnnx(faceapi, bin);
        Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
        try {
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.write(tmp, onnx);
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw new ModelException("output " + out + ": cannot write it: " + e.getMessage(), e);
        }
        ModelInfo info = FaceApiToOnnx.info("");
        spec.commandLine().getOut().printf(Locale.ROOT, "wrote %s: face-api tiny face detector, classes %s, %d anchors,"
                        + " nominal input %dx%d, preprocess %s (%.1f MB)%n", out, info.names(), info.num(),
                info.inputWidth(), info.inputHeight(), info.preprocess(), Files.size(out) / 1e6);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
