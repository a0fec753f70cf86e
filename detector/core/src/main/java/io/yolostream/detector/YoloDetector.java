package io.yolostream.detector;

import io.yolostream.detector.decode.DecodeOptions;
import io.yolostream.detector.decode.DetectedBox;
import io.yolostream.detector.decode.RegionDecoder;
import io.yolostream.detector.model.ModelException;
import io.yolostream.detector.model.ModelInfo;
import io.yolostream.detector.preprocess.DarknetLetterbox;
import io.yolostream.detector.preprocess.ModelPreprocessing;
import io.yolostream.detector.preprocess.Preprocessor;
import io.yolostream.detector.preprocess.RgbImage;
import io.yolostream.detector.runtime.Device;
import io.yolostream.detector.runtime.OrtRunner;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import java.util.stream.IntStream;

/**
 * The model core in one object: preprocess a batch of images at one input size, run YOLOv2 through ONNX Runtime,
 * decode the region output into detections. Usable without Kafka. Not for concurrent {@link #detect} calls on one
 * instance (inference is serialised anyway); close it to free the native session.
 */
public final class YoloDetector implements AutoCloseable {
    private static final int MAX_CACHED_SHAPES = 16;

    private final OrtRunner runner;
    private final ModelInfo info;
    private final Preprocessor preprocessor;
    private final RegionDecoder decoder;
    private final Map<String, FloatBuffer> inputs = new LinkedHashMap<>(16, 0.75f, true);
    private boolean closed;

    /** Timings of one batch, in nanoseconds. */
    public record Timings(long preprocessNanos, long inferenceNanos, long decodeNanos) {
        public long totalNanos() {
            return preprocessNanos + inferenceNanos + decodeNanos;
        }
    }

    /** Per image detections, in input order. */
    public record Batch(List<List<DetectedBox>> detections, int width, int height, Timings timings) {
    }

    private YoloDetector(OrtRunner runner, ModelInfo info, Preprocessor preprocessor, DecodeOptions options) {
        this.runner = runner;
        this.info = info;
        this.preprocessor = preprocessor;
        this.decoder = new RegionDecoder(info, options);
    }

    /**
     * The usual way to open a detector: {@code YoloDetector.builder(ModelSource.onnx(path)).device(Device.CPU).open()}.
     * Unset settings take their defaults: {@link Device#AUTO}, one intra-op thread per core, darknet's letterbox
     * (or what the model's metadata asks for), {@link DecodeOptions#DEFAULTS}, no progress callback.
     */
    public static Builder builder(ModelSource source) {
        return new Builder(source);
    }

    /** Settings for {@link #open}; each has a default. */
    public static final class Builder {
        private final ModelSource source;
        private Device device = Device.AUTO;
        private int threads;
        private Preprocessor preprocessor = new DarknetLetterbox();
        private DecodeOptions decode = DecodeOptions.DEFAULTS;
        private LongConsumer progress;

        private Builder(ModelSource source) {
            this.source = java.util.Objects.requireNonNull(source, "source");
        }

        public Builder device(Device device) {
            this.device = java.util.Objects.requireNonNull(device, "device");
            return this;
        }

        /** ONNX Runtime intra-op threads; 0 (the default) = one per core. */
        public Builder threads(int threads) {
            if (threads < 0) {
                throw new IllegalArgumentException("threads: expected 0 (one per core) or more, found " + threads);
            }
            this.threads = threads;
            return this;
        }

        /** The preprocessing to use; the model's metadata may replace or refuse it. */
        public Builder preprocessor(Preprocessor preprocessor) {
            this.preprocessor = java.util.Objects.requireNonNull(preprocessor, "preprocessor");
            return this;
        }

        public Builder decode(DecodeOptions decode) {
            this.decode = java.util.Objects.requireNonNull(decode, "decode");
            return this;
        }

        /** Conversion progress of darknet sources (bytes of weights read). */
        public Builder progress(LongConsumer progress) {
            this.progress = progress;
            return this;
        }

        public YoloDetector open() {
            return YoloDetector.open(source, device, threads, preprocessor, decode, progress);
        }
    }

    /**
     * @param threads      ONNX Runtime intra-op threads, 0 = one per core
     * @param preprocessor the user's choice; the model's metadata may replace or refuse it
     *                     ({@link ModelPreprocessing#forModel})
     * @param progress conversion progress for darknet sources (weights read), may be null
     */
    public static YoloDetector open(ModelSource source, Device device, int threads, Preprocessor preprocessor,
                                    DecodeOptions options, LongConsumer progress) {
        ModelSource.Loaded loaded = source.load(progress);
        OrtRunner runner = new OrtRunner(loaded.onnx(), source.description(), device, threads);
        try {
            ModelInfo info = loaded.info() != null ? loaded.info()
                    : infoOf(runner.metadata(), runner.outputChannels(), source);
            if (info.outputChannels() != runner.outputChannels()) {
                throw new ModelException("model " + source.description() + ": expected " + info.outputChannels()
                        + " output channels (num*(coords+1+classes) from its metadata), found "
                        + runner.outputChannels());
            }
            return new YoloDetector(runner, info, ModelPreprocessing.forModel(info, preprocessor), options);
        } catch (RuntimeException e) {
            runner.close();
            throw e;
        }
    }

    /** Metadata from the file, or, for YOLOv2 models exported elsewhere, from the user's anchors and names. */
    static ModelInfo infoOf(Map<String, String> metadata, long channels, ModelSource source) {
        ModelSource.Overrides o = source.overrides();
        if (ModelInfo.hasMetadata(metadata)) {
            ModelInfo info = ModelInfo.fromMetadata(metadata, source.description());
            if (o.names() != null && o.names().size() != info.classes()) {
                throw new ModelException("names for model " + source.description() + ": expected one per class of the"
                        + " model (" + info.classes() + "), found " + o.names().size() + " (names rename a model's"
                        + " classes)");
            }
            return o.names() == null ? info : info.withNames(o.names());
        }
        if (o.anchors() == null) {
            throw new ModelException("model " + source.description() + ": expected yolostream metadata (anchors,"
                    + " classes, names) or --anchors and --names on the command line, found neither");
        }
        int num = o.anchors().length / 2;
        if (o.anchors().length % 2 != 0 || num == 0 || channels % num != 0 || channels / num <= 5) {
            throw new ModelException("model " + source.description() + ": expected an output of num*(5+classes)"
                    + " channels for " + num + " anchors, found " + channels + " channels");
        }
        int classes = (int) (channels / num - 5);
        List<String> names = o.names() != null ? o.names() : ModelInfo.placeholderNames(classes);
        return new ModelInfo(source.description(), o.anchors(), num, 4, classes,
                o.softmax() == null || o.softmax(), names, null, 416, 416, 32, ModelInfo.DARKNET_LETTERBOX, "");
    }

    public ModelInfo info() {
        return info;
    }

    /** "CPU" or "CUDA:N". */
    public String provider() {
        return runner.provider();
    }

    /** The preprocessor in use: the one asked for, or the model's own (see {@link ModelPreprocessing}). */
    public Preprocessor preprocessor() {
        return preprocessor;
    }

    /** Checks an input size: positive multiples of the network stride. */
    public void checkSize(int width, int height) {
        int s = info.stride();
        if (width <= 0 || height <= 0 || width % s != 0 || height % s != 0) {
            throw new ModelException("input size " + width + "x" + height + ": expected positive multiples of " + s
                    + " (e.g. 320, 416, 608), found " + (width % s != 0 ? width : height));
        }
    }

    /** Runs every (batch, size) once so first real batches do not pay for allocation and kernel selection. */
    public void warmUp(int batch, int width, int height) {
        checkSize(width, height);
        runner.run(input(batch, width, height), batch, height, width, info.stride());
    }

    public Batch detect(List<RgbImage> images, int width, int height) {
        checkOpen();
        checkSize(width, height);
        int n = images.size();
        if (n == 0) {
            return new Batch(List.of(), width, height, new Timings(0, 0, 0));
        }
        long t0 = System.nanoTime();
        FloatBuffer in = preprocess(images, width, height);
        long t1 = System.nanoTime();
        FloatBuffer out = runner.run(in, n, height, width, info.stride());
        long t2 = System.nanoTime();
        List<List<DetectedBox>> all = decode(out, images, width, height);
        long t3 = System.nanoTime();
        return new Batch(all, width, height, new Timings(t1 - t0, t2 - t1, t3 - t2));
    }

    /** Letterboxes the images into this detector's reusable input buffer for that shape. */
    public FloatBuffer preprocess(List<RgbImage> images, int width, int height) {
        checkSize(width, height);
        int n = images.size();
        FloatBuffer in = input(n, width, height);
        int per = 3 * width * height;
        if (n == 1) {
            preprocessor.letterbox(images.get(0), width, height, in, 0);
        } else {
            IntStream.range(0, n).parallel()
                    .forEach(i -> preprocessor.letterbox(images.get(i), width, height, in, i * per));
        }
        return in;
    }

    /** Raw inference on a prepared input; the result is valid until the next run of the same shape. */
    public FloatBuffer infer(FloatBuffer input, int batch, int width, int height) {
        checkOpen();
        checkSize(width, height);
        return runner.run(input, batch, height, width, info.stride());
    }

    public List<List<DetectedBox>> decode(FloatBuffer output, List<RgbImage> images, int width, int height) {
        int gw = width / info.stride();
        int gh = height / info.stride();
        int per = info.outputChannels() * gw * gh;
        List<List<DetectedBox>> all = new ArrayList<>(images.size());
        for (int i = 0; i < images.size(); i++) {
            RgbImage img = images.get(i);
            all.add(decoder.decode(output, i * per, gw, gh, width, height, img.width(), img.height()));
        }
        return all;
    }

    private FloatBuffer input(int batch, int width, int height) {
        String key = batch + "x" + height + "x" + width;
        FloatBuffer b = inputs.get(key);
        if (b == null) {
            b = OrtRunner.allocateInput(batch * 3 * width * height);
            inputs.put(key, b);
            if (inputs.size() > MAX_CACHED_SHAPES) {
                inputs.remove(inputs.keySet().iterator().next());
            }
        }
        return b;
    }

    private void checkOpen() {
        if (closed) {
            throw new ModelException("detector for " + info.name() + ": expected an open detector, found it closed");
        }
    }

    @Override
    public void close() {
        closed = true;
        inputs.clear();
        runner.close();
    }
}
