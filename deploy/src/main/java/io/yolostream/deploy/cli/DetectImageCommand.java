package io.yolostream.deploy.cli;

import io.yolostream.detector.YoloDetector;
import io.yolostream.detector.decode.DecodeOptions;
import io.yolostream.detector.decode.DetectedBox;
import io.yolostream.detector.decode.HierarchyMode;
import io.yolostream.detector.opencv.ImageFiles;
import io.yolostream.detector.preprocess.RgbImage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

@Command(name = "detect-image", mixinStandardHelpOptions = true,
        description = {"Detect objects in image files and print them (a table, or JSON lines with --json).",
                "Decoding follows darknet's `detector test`: thresholds, NMS 0.45, and for YOLO9000 the WordTree walk."},
        footer = {"", "Examples:",
                "  yolostream detect-image --model yolov2-voc.onnx dog.jpg",
                "  yolostream detect-image --model yolov2.cfg --weights yolov2.weights --names coco.names --json dog.jpg",
                "  yolostream detect-image --model yolo9000.onnx --hier 0.5 --size 544 --json horses.jpg"})
final class DetectImageCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--size", paramLabel = "N|WxH",
            description = "Network input size, multiples of 32 (default: the model's own, as darknet uses its cfg's).")
    String size;

    @Option(names = "--thresh", defaultValue = "0.24", description = "Score threshold. Default: ${DEFAULT-VALUE}.")
    float thresh;

    @Option(names = "--hier", defaultValue = "0.5",
            description = "WordTree walk threshold (YOLO9000). Default: ${DEFAULT-VALUE}.")
    float hier;

    @Option(names = "--hier-mode", defaultValue = "darknet", paramLabel = "MODE",
            description = "darknet: walk on absolute probabilities as darknet does (ancestors count twice); "
                    + "conditional: the clean walk on per-group probabilities. Default: ${DEFAULT-VALUE}.")
    String hierMode;

    @Option(names = "--nms", defaultValue = "0.45", description = "NMS IoU threshold, 0 = off. Default: ${DEFAULT-VALUE}.")
    float nms;

    @Option(names = "--all-classes", description = "List every class above the threshold for each box.")
    boolean allClasses;

    @Option(names = "--image-decoder", defaultValue = "stb", paramLabel = "stb|opencv",
            description = "JPEG decoder: stb (darknet's own decoder, ported: darknet's exact pixels) or opencv "
                    + "(libjpeg-turbo: faster, applies EXIF orientation). Default: ${DEFAULT-VALUE}.")
    String imageDecoder;

    @Option(names = "--json", description = "One JSON object per image, one per line.")
    boolean json;

    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "JPEG/PNG/BMP image files.")
    List<Path> images;

    @Override
    public Integer call() {
        DecodeOptions decode = new DecodeOptions(thresh, hier, nms, HierarchyMode.parse(hierMode));
        PrintWriter out = spec.commandLine().getOut();
        ImageFiles.Decoder decoder = ImageFiles.Decoder.parse(imageDecoder);
        try (YoloDetector detector = modelOptions.open(decode, null)) {
            int[] wh = ModelOptions.size(size, detector.info());
            detector.checkSize(wh[0], wh[1]);
            for (Path file : images) {
                RgbImage image = ImageFiles.read(file, decoder);
                YoloDetector.Batch batch = detector.detect(List.of(image), wh[0], wh[1]);
                List<DetectedBox> dets = batch.detections().get(0);
                if (json) {
                    out.println(DetectImageJson.line(file.toString(), image.width(), image.height(), wh, dets,
                            allClasses));
                } else {
                    table(out, file, image, wh, dets, batch.timings(), detector.provider());
                }
                out.flush();
            }
        }
        return 0;
    }

    private void table(PrintWriter out, Path file, RgbImage image, int[] wh, List<DetectedBox> dets,
                       YoloDetector.Timings t, String provider) {
        out.printf(Locale.ROOT, "%s: %dx%d at %dx%d on %s, %d object%s (preprocess %.1f ms, inference %.1f ms,"
                        + " decode %.1f ms)%n", file, image.width(), image.height(), wh[0], wh[1], provider,
                dets.size(), dets.size() == 1 ? "" : "s", t.preprocessNanos() / 1e6, t.inferenceNanos() / 1e6,
                t.decodeNanos() / 1e6);
        if (dets.isEmpty()) {
            return;
        }
        out.printf(Locale.ROOT, "  %-24s %6s %6s %7s %7s %7s %7s  %s%n", "label", "score", "obj", "left", "top",
                "width", "height", allClasses ? "classes" : "path");
        for (DetectedBox d : dets) {
            String extra = allClasses
                    ? d.classes().stream().map(c -> String.format(Locale.ROOT, "%s %.0f%%", c.name(), c.prob() * 100))
                    .collect(Collectors.joining(", "))
                    : d.path().size() > 1 ? d.path().stream().map(DetectedBox.PathNode::name)
                    .collect(Collectors.joining(" > ")) : "";
            out.printf(Locale.ROOT, "  %-24s %5.1f%% %5.1f%% %7.1f %7.1f %7.1f %7.1f  %s%n", d.label(),
                    d.score() * 100, d.objectness() * 100, d.box().left(), d.box().top(), d.box().width(),
                    d.box().height(), extra);
        }
    }
}
