package io.yolostream.deploy.bench;

import io.yolostream.detector.ModelSource;
import io.yolostream.detector.YoloDetector;
import io.yolostream.detector.decode.DecodeOptions;
import io.yolostream.detector.opencv.OpenCvImages;
import io.yolostream.detector.opencv.Preprocessors;
import io.yolostream.detector.preprocess.RgbImage;
import io.yolostream.detector.runtime.Device;
import io.yolostream.ingest.source.EncodedFrame;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The model core alone, measured as {@code yolostream bench} measures it, so that bench-pipeline can put its
 * end-to-end frames/s next to it from the same run: letterbox + inference + region decoding of frames already
 * decoded to RGB (the run's own clip frames), one batch at a time at a fixed size, the median of the timed runs. The
 * detector is opened like bench's (ONNX Runtime's defaults, spinning included) and closed after the model's runs.
 */
public final class CoreBench implements AutoCloseable {
    private final YoloDetector detector;
    private final int batch;
    private final int warmup;
    private final int iterations;
    /** The last clip measured and its decoded batch: a model's policies mostly share one clip. */
    private List<EncodedFrame> decodedFrom;
    private List<RgbImage> decodedImages;

    /**
     * @param device     as the detect service's {@code device} key
     * @param threads    ONNX Runtime threads, 0 = one per core
     * @param preprocess as the {@code preprocess} key
     */
    public CoreBench(Path model, String device, int threads, String preprocess, int batch, int warmup,
                     int iterations) {
        if (batch < 1 || warmup < 0 || iterations < 1) {
            throw new IllegalArgumentException("core bench: expected batch >= 1, warm-up >= 0, iterations >= 1,"
                    + " found " + batch + ", " + warmup + ", " + iterations);
        }
        this.batch = batch;
        this.warmup = warmup;
        this.iterations = iterations;
        this.detector = YoloDetector.builder(ModelSource.onnx(model)).device(Device.parse(device)).threads(threads)
                .preprocessor(Preprocessors.byName(preprocess)).decode(DecodeOptions.DEFAULTS).open();
    }

    /**
     * @param framesPerSecond batch / median(preprocess + inference + decode) over the timed runs
     * @param cpuMsPerFrame   CPU time of the process per frame over the timed runs (NaN when unknown)
     */
    public record Measurement(double framesPerSecond, double cpuMsPerFrame) {
    }

    /**
     * Frames/s and CPU ms per frame at {@code size}, on the first {@code batch} frames of {@code clip} (decoded at
     * full size once per clip).
     */
    public Measurement measure(int size, List<EncodedFrame> clip) {
        List<RgbImage> images = decoded(clip);
        for (int i = 0; i < warmup; i++) {
            detector.detect(images, size, size);
        }
        double[] ms = new double[iterations];
        long cpu0 = ProcessCpu.nanos();
        for (int i = 0; i < iterations; i++) {
            ms[i] = detector.detect(images, size, size).timings().totalNanos() / 1e6;
        }
        long cpu1 = ProcessCpu.nanos();
        Arrays.sort(ms);
        double median = iterations % 2 == 1 ? ms[iterations / 2] : (ms[iterations / 2 - 1] + ms[iterations / 2]) / 2;
        return new Measurement(images.size() * 1000.0 / median,
                ProcessCpu.msPerFrame(cpu0, cpu1, iterations * images.size()));
    }

    private List<RgbImage> decoded(List<EncodedFrame> clip) {
        if (clip != decodedFrom) {
            List<RgbImage> out = new ArrayList<>();
            for (int i = 0; i < batch; i++) {
                EncodedFrame f = clip.get(i % clip.size());
                out.add(OpenCvImages.decode(f.jpeg(), "clip frame " + (i % clip.size())));
            }
            decodedImages = List.copyOf(out);
            decodedFrom = clip;
        }
        return decodedImages;
    }

    @Override
    public void close() {
        detector.close();
    }
}
