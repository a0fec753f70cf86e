package io.yolostream.detector.conformance;

import io.yolostream.detector.ModelSource;
import io.yolostream.detector.YoloDetector;
import io.yolostream.detector.darknet.DarknetCfg;
import io.yolostream.detector.darknet.DarknetConverter;
import io.yolostream.detector.darknet.DarknetNetwork;
import io.yolostream.detector.decode.DecodeOptions;
import io.yolostream.detector.decode.DetectedBox;
import io.yolostream.detector.decode.HierarchyMode;
import io.yolostream.detector.opencv.ImageFiles;
import io.yolostream.detector.preprocess.DarknetLetterbox;
import io.yolostream.detector.preprocess.RgbImage;
import io.yolostream.detector.preprocess.StbJpegDecoder;
import io.yolostream.detector.runtime.Device;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The conformance check's inputs, from this package's test resources (darknet's own cfgs, names, WordTree and sample
 * photos; public domain, see LICENSE.darknet), and our side of the comparison: {@code convert} to an ONNX file, then
 * what {@code detect-image} does with it (read the image, letterbox, ONNX Runtime, region decoding and NMS).
 */
final class ConformanceInputs {
    /** Resources copied as they are: cfgs, names, tree and the photos. */
    private static final List<String> FILES = List.of("yolov2-tiny-voc.cfg", "yolov2-voc.cfg", "yolo9000.cfg",
            "voc.names", "9k.tree", "9k.names", "coco9k.map", "dog.jpg", "person.jpg");
    private static final Pattern WIDTH = Pattern.compile("(?m)^\\s*width\\s*=.*$");
    private static final Pattern HEIGHT = Pattern.compile("(?m)^\\s*height\\s*=.*$");

    private final Path dir;
    private final Map<String, Model> models = new HashMap<>();

    private ConformanceInputs(Path dir) {
        this.dir = dir;
    }

    /**
     * Copies the resources into {@code dir} (yolo9000.cfg names {@code data/9k.tree} and {@code data/coco9k.map},
     * relative to where darknet runs: they go to {@code dir/data}) and adds two lossless crops of the photos: a
     * portrait one and one smaller than every input size (letterboxing up), as PNG so that every decoder reads
     * the same pixels.
     */
    static ConformanceInputs copyTo(Path dir) throws IOException {
        Path data = Files.createDirectories(dir.resolve("data"));
        for (String name : FILES) {
            try (InputStream in = ConformanceInputs.class.getResourceAsStream("/conformance/" + name)) {
                if (in == null) {
                    throw new IOException("test resource conformance/" + name + " missing");
                }
                Files.copy(in, data.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        ConformanceInputs inputs = new ConformanceInputs(dir);
        inputs.crop("dog.jpg", "dog-portrait.png", 120, 30, 333, 500);
        inputs.crop("person.jpg", "person-small.png", 170, 90, 190, 141);
        return inputs;
    }

    /** The four images, in a fixed order; darknet names each by its file name without extension. */
    List<Path> images() {
        return List.of(file("dog.jpg"), file("person.jpg"), file("dog-portrait.png"), file("person-small.png"));
    }

    Path file(String name) {
        return dir.resolve("data").resolve(name);
    }

    /** The model's cfg with the [net] input size set (darknet runs at its cfg's size). */
    Path cfg(String model, int width, int height) throws IOException {
        String text = Files.readString(file(model + ".cfg"));
        text = WIDTH.matcher(text).replaceFirst(Matcher.quoteReplacement("width=" + width));
        text = HEIGHT.matcher(text).replaceFirst(Matcher.quoteReplacement("height=" + height));
        Path out = dir.resolve(model + "-" + width + "x" + height + ".cfg");
        Files.writeString(out, text);
        return out;
    }

    int classes(String model) {
        return DarknetNetwork.of(DarknetCfg.read(file(model + ".cfg"))).region().classes();
    }

    /** A model's seeded weights and their {@code convert}ed ONNX file. */
    record Model(Path weights, Path onnx) {
    }

    /**
     * The model's weights ({@link ConformanceWeights#SEED}) and {@code convert}: the darknet pair to a
     * self-describing ONNX file (names: voc.names; yolo9000's come from beside its tree). Made once, for all sizes.
     */
    Model model(String model) throws IOException {
        Model m = models.get(model);
        if (m == null) {
            Path weights = dir.resolve(model + ".weights");
            Path cfg = file(model + ".cfg");
            ConformanceWeights.write(cfg, ConformanceWeights.SEED, weights);
            Path names = model.equals("yolo9000") ? null : file("voc.names");
            DarknetConverter.Result r = DarknetConverter.convert(
                    new DarknetConverter.Files(cfg, weights, names, null), null);
            Path onnx = dir.resolve(model + ".onnx");
            try (OutputStream os = Files.newOutputStream(onnx)) {
                r.graph().writeTo(os);
            }
            m = new Model(weights, onnx);
            models.put(model, m);
        }
        return m;
    }

    /** {@code detect-image --model ONNX --size WxH --thresh T --nms N --all-classes} on each image, as valid's. */
    static List<Conformance.Box> detect(Path onnx, List<Path> images, int width, int height, DecodeOptions options,
                                        ImageFiles.Decoder decoder) {
        List<Conformance.Box> boxes = new ArrayList<>();
        try (YoloDetector detector = YoloDetector.open(ModelSource.onnx(onnx, null), Device.CPU, 0,
                new DarknetLetterbox(), options, null)) {
            for (Path image : images) {
                RgbImage rgb = ImageFiles.read(image, decoder);
                List<DetectedBox> found = detector.detect(List.of(rgb), width, height).detections().get(0);
                boxes.addAll(Conformance.ours(id(image), found));
            }
        }
        return boxes;
    }

    /**
     * Prints the report's summary (the measured differences) and fails on any unexplained difference, on more than
     * 0.5% explained ones (near-ties are rare: a systematic difference must not pass as many of them), or when
     * darknet found nothing in an image (the comparison would be empty).
     */
    static void check(Conformance.Report report, List<Path> images) {
        System.out.println(report.summary());
        String details = report.summary() + report.details(20);
        for (Path image : images) {
            String id = id(image);
            assertTrue(report.darknetImages().contains(id), "darknet found nothing in " + id + ": " + details);
        }
        int explained = report.thresholdBorder().size() + report.nmsTies().size() + report.cascade().size();
        assertTrue(report.failures().isEmpty(), () -> details + "\nfailures per image: "
                + report.failuresPerImage() + " (failures on the JPEGs only: do the two sides decode them alike?)");
        assertTrue(explained <= Math.max(3, report.darknet() / 200), details);
    }

    static String id(Path image) {
        return image.getFileName().toString().replaceFirst("\\.[^.]*$", "");
    }

    static DecodeOptions validOptions() {
        return new DecodeOptions(DarknetRun.THRESH, DarknetRun.HIER_THRESH, DarknetRun.NMS, HierarchyMode.DARKNET);
    }

    private void crop(String from, String to, int x0, int y0, int w, int h) {
        try {
            RgbImage src = StbJpegDecoder.decode(Files.readAllBytes(file(from)), from);
            BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int r = src.get(x0 + x, y0 + y, 0);
                    int g = src.get(x0 + x, y0 + y, 1);
                    int b = src.get(x0 + x, y0 + y, 2);
                    out.setRGB(x, y, r << 16 | g << 8 | b);
                }
            }
            if (!ImageIO.write(out, "png", file(to).toFile())) {
                throw new IOException("no PNG writer");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
