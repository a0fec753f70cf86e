package io.yolostream.deploy.cli;

import io.yolostream.detector.YoloDetector;
import io.yolostream.detector.decode.DecodeOptions;
import io.yolostream.detector.model.ModelException;
import io.yolostream.detector.model.ModelInfo;
import io.yolostream.detector.opencv.ImageFiles;
import io.yolostream.detector.opencv.OpenCvDarknetNet;
import io.yolostream.detector.opencv.OpenCvLetterbox;
import io.yolostream.detector.preprocess.DarknetLetterbox;
import io.yolostream.detector.preprocess.RgbImage;
import io.yolostream.detector.runtime.OrtRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measure the model core per input size and batch: ms per batch, frames/s, and the split into "
                + "preprocess / inference / decode.",
                "With --vs-opencv, OpenCV DNN runs the same darknet cfg/weights on the same inputs in the same run: "
                        + "its frames/s, the ratio, and the largest difference between the two raw outputs."},
        footer = {"", "Examples:",
                "  yolostream bench --model yolov2-voc.onnx --sizes 320,416,608 --batch 1,4,8",
                "  yolostream bench --model voc.onnx --sizes 416 --batch 1 --vs-opencv yolov2-voc.cfg yolov2-voc.weights",
                "", "Times are medians over the timed runs; with --vs-opencv the two run in turns, so both see the same load. ratio = yolostream frames/s (preprocess + inference + decode) / OpenCV DNN frames/s (forward only)."})
final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--sizes", split = ",", defaultValue = "320,416,608", paramLabel = "N",
            description = "Square input sizes (multiples of 32). Default: ${DEFAULT-VALUE}.")
    List<Integer> sizes;

    @Option(names = "--batch", split = ",", defaultValue = "1,4,8", paramLabel = "N",
            description = "Batch sizes. Default: ${DEFAULT-VALUE}.")
    List<Integer> batches;

    @Option(names = "--iterations", defaultValue = "10",
            description = "Timed runs per row (the median is reported). Default: ${DEFAULT-VALUE}.")
    int iterations;

    @Option(names = "--warmup", defaultValue = "2", description = "Untimed runs per row. Default: ${DEFAULT-VALUE}.")
    int warmup;

    @Option(names = "--images", paramLabel = "FILE|DIR", split = ",",
            description = "Images to run (files or folders; default: a generated 768x576 photo-like image).")
    List<Path> imagePaths;

    @Option(names = "--vs-opencv", arity = "2", paramLabel = "CFG WEIGHTS",
            description = "Also run OpenCV DNN (readNetFromDarknet) on this darknet cfg and weights.")
    List<Path> opencv;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (iterations < 1 || warmup < 0) {
            throw new ModelException("--iterations/--warmup: expected at least 1 timed run and no negative warm-up,"
                    + " found " + iterations + " and " + warmup);
        }
        List<RgbImage> images = loadImages();
        try (YoloDetector detector = modelOptions.open(DecodeOptions.DEFAULTS, null);
             OpenCvDarknetNet cv = opencv == null ? null : OpenCvDarknetNet.load(opencv.get(0), opencv.get(1))) {
            out.printf(Locale.ROOT, "model %s on %s, preprocess %s, %d image(s) of %dx%d, %d warm-up + %d timed runs"
                            + " per row, %d cores%n", detector.info().name(), detector.provider(),
                    detector.preprocessor().name(), images.size(), images.get(0).width(), images.get(0).height(),
                    warmup, iterations, Runtime.getRuntime().availableProcessors());
            out.println(header(cv != null));
            out.flush();
            double ratioSum = 0;
            int rows = 0;
            for (int size : sizes) {
                for (int batch : batches) {
                    if (batch <= 0) {
                        throw new ModelException("--batch: expected positive batch sizes, found " + batch);
                    }
                    List<RgbImage> batchImages = new ArrayList<>();
                    for (int i = 0; i < batch; i++) {
                        batchImages.add(images.get(i % images.size()));
                    }
                    Row r;
                    String line;
                    if (cv == null) {
                        r = runOurs(detector, batchImages, size, null);
                        line = r.format();
                    } else {
                        double maxDiff = maxDiff(cv, detector, batchImages, size);
                        double[] peerMs = new double[iterations];
                        r = runOurs(detector, batchImages, size, new OpenCvTurns(cv, batchImages.size(), size,
                                detector.preprocess(batchImages, size, size), peerMs));
                        double ms = median(peerMs);
                        double peerFps = batch * 1000.0 / ms;
                        double ratio = r.fps() / peerFps;
                        ratioSum += ratio;
                        rows++;
                        line = r.format() + String.format(Locale.ROOT, " | %10.1f %9.2f %6.2fx %9.2e", ms, peerFps,
                                ratio, maxDiff);
                    }
                    out.println(line);
                    out.flush();
                }
            }
            if (rows > 0) {
                out.printf(Locale.ROOT, "ratio %.2f (mean over %d rows: yolostream frames/s / OpenCV DNN frames/s)%n",
                        ratioSum / rows, rows);
            }
            if (ModelInfo.DARKNET_LETTERBOX.equals(detector.info().preprocess())) {
                preprocessDeviation(out, images, sizes.get(0)); // opencv vs darknet: only darknet models have both
            }
        }
        return 0;
    }

    private static String header(boolean withPeer) {
        String h = String.format(Locale.ROOT, "%5s %5s %9s %9s %8s %9s %9s %8s", "size", "batch", "ms/batch",
                "frames/s", "pre ms", "infer ms", "decode ms", "outside");
        return withPeer ? h + String.format(Locale.ROOT, " | %10s %9s %7s %9s", "opencv ms", "opencv/s", "ratio",
                "max|diff|") : h;
    }

    private record Row(int size, int batch, double pre, double infer, double decode) {
        double total() {
            return pre + infer + decode;
        }

        double fps() {
            return batch * 1000.0 / total();
        }

        String format() {
            return String.format(Locale.ROOT, "%5d %5d %9.1f %9.2f %8.2f %9.1f %9.2f %7.1f%%", size, batch, total(),
                    fps(), pre, infer, decode, 100 * (pre + decode) / total());
        }
    }

    /**
     * OpenCV DNN's turn in an interleaved run: it runs right after each of our timed runs, on a private copy of the
     * same input, so both see the same machine load.
     */
    private record OpenCvTurns(OpenCvDarknetNet cv, int batch, int size, FloatBuffer input, double[] ms) {
        OpenCvTurns {
            FloatBuffer copy = OrtRunner.allocateInput(input.remaining());
            copy.put(input.duplicate()).flip();
            input = copy;
        }

        void run(int iteration) {
            long t0 = System.nanoTime();
            cv.forwardLastConv(input, batch, size, size);
            if (iteration >= 0) {
                ms[iteration] = (System.nanoTime() - t0) / 1e6;
            }
        }
    }

    /** Medians over the timed runs: robust to other work on the machine. */
    private Row runOurs(YoloDetector detector, List<RgbImage> images, int size, OpenCvTurns peer) {
        for (int i = 0; i < warmup; i++) {
            detector.detect(images, size, size);
            if (peer != null) {
                peer.run(-1);
            }
        }
        double[] pre = new double[iterations];
        double[] inf = new double[iterations];
        double[] dec = new double[iterations];
        for (int i = 0; i < iterations; i++) {
            YoloDetector.Timings t = detector.detect(images, size, size).timings();
            pre[i] = t.preprocessNanos() / 1e6;
            inf[i] = t.inferenceNanos() / 1e6;
            dec[i] = t.decodeNanos() / 1e6;
            if (peer != null) {
                peer.run(i);
            }
        }
        return new Row(size, images.size(), median(pre), median(inf), median(dec));
    }

    static double median(double[] values) {
        double[] v = values.clone();
        java.util.Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    /** The largest |ours - OpenCV| over the raw outputs for the same input. */
    private static double maxDiff(OpenCvDarknetNet cv, YoloDetector detector, List<RgbImage> images, int size) {
        int batch = images.size();
        FloatBuffer in = detector.preprocess(images, size, size);
        FloatBuffer ours = detector.infer(in, batch, size, size);
        float[] theirs = cv.forwardLastConv(in, batch, size, size);
        if (theirs.length != ours.remaining()) {
            throw new ModelException("--vs-opencv: expected OpenCV's last convolution to have " + ours.remaining()
                    + " values like the model's output, found " + theirs.length + " (another cfg?)");
        }
        double maxDiff = 0;
        for (int i = 0; i < theirs.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(ours.get(i) - theirs[i]));
        }
        return maxDiff;
    }

    /** How far the fast OpenCV letterbox strays from darknet's exact one, on the bench images. */
    private static void preprocessDeviation(PrintWriter out, List<RgbImage> images, int size) {
        int per = 3 * size * size;
        FloatBuffer a = OrtRunner.allocateInput(per);
        FloatBuffer b = OrtRunner.allocateInput(per);
        double max = 0;
        double sum = 0;
        DarknetLetterbox exact = new DarknetLetterbox();
        OpenCvLetterbox fast = new OpenCvLetterbox();
        for (RgbImage img : images) {
            exact.letterbox(img, size, size, a, 0);
            fast.letterbox(img, size, size, b, 0);
            for (int i = 0; i < per; i++) {
                double d = Math.abs(a.get(i) - b.get(i));
                max = Math.max(max, d);
                sum += d;
            }
        }
        out.printf(Locale.ROOT, "preprocess deviation (opencv vs darknet letterbox at %d): max %.4f, mean %.5f"
                + " (in 0..1 pixel units)%n", size, max, sum / ((double) per * images.size()));
    }

    private List<RgbImage> loadImages() throws IOException {
        if (imagePaths == null || imagePaths.isEmpty()) {
            return List.of(syntheticImage(768, 576, 1));
        }
        List<RgbImage> images = new ArrayList<>();
        for (Path p : imagePaths) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> files = Files.list(p)) {
                    for (Path f : files.sorted().filter(BenchCommand::isImage).toList()) {
                        images.add(ImageFiles.read(f, ImageFiles.Decoder.STB));
                    }
                }
            } else {
                images.add(ImageFiles.read(p, ImageFiles.Decoder.STB));
            }
        }
        if (images.isEmpty()) {
            throw new ModelException("--images " + imagePaths + ": expected at least one .jpg/.jpeg/.png/.bmp image,"
                    + " found none");
        }
        return images;
    }

    private static boolean isImage(Path f) {
        String n = f.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".png") || n.endsWith(".bmp");
    }

    /** Smooth gradients plus noise: exercises resize like a photo without shipping one. */
    static RgbImage syntheticImage(int w, int h, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        byte[] px = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = (y * w + x) * 3;
                px[i] = (byte) Math.min(255, x * 255 / w + rnd.nextInt(16));
                px[i + 1] = (byte) Math.min(255, y * 255 / h + rnd.nextInt(16));
                px[i + 2] = (byte) Math.min(255, ((x / 32 + y / 32) % 2) * 200 + rnd.nextInt(32));
            }
        }
        return new RgbImage(w, h, px);
    }
}
