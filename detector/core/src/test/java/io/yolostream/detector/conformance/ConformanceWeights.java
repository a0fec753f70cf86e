package io.yolostream.detector.conformance;

import io.yolostream.detector.darknet.DarknetCfg;
import io.yolostream.detector.darknet.DarknetLayer;
import io.yolostream.detector.darknet.DarknetNetwork;
import io.yolostream.detector.darknet.RandomWeights;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Seeded random darknet weights for the conformance check: {@link RandomWeights} (darknet's format: 20-byte header,
 * then per convolution biases, batch-norm scales/mean/variance, kernels) with the filters of the last convolution,
 * the one feeding the region layer, scaled. Unscaled, its outputs have a standard deviation of about 0.1: every
 * anchor's objectness is about 0.5 and every class about 1/classes, so all boxes pass any low threshold with
 * near-equal scores. Scaled ({@link #BOX_SCALE} for x, y, w, h; {@link #SCORE_SCALE} for objectness and classes),
 * objectness spreads over (0, 1), some anchors fall below the threshold, the softmax picks a few classes and box
 * sizes vary by a few times the anchors', as with trained weights.
 *
 * <p>Also run by {@code record-darknet.sh}, through {@link RecordedCases#main}.
 */
public final class ConformanceWeights {
    public static final long SEED = 61_2018_0914L;
    public static final float BOX_SCALE = 5;
    public static final float SCORE_SCALE = 25;

    private ConformanceWeights() {
    }

    public static void write(Path cfg, long seed, Path out) throws IOException {
        DarknetNetwork net = DarknetNetwork.of(DarknetCfg.read(cfg));
        try (OutputStream os = Files.newOutputStream(out)) {
            RandomWeights.write(net, seed, 0, 2, os);
        }
        List<DarknetLayer.Convolutional> convs = net.layers().stream()
                .filter(DarknetLayer.Convolutional.class::isInstance).map(DarknetLayer.Convolutional.class::cast)
                .toList();
        DarknetLayer.Convolutional last = convs.get(convs.size() - 1);
        if (last.batchNormalize()) {
            throw new IllegalArgumentException(cfg + ": expected a last convolution without batch_normalize");
        }
        int filters = last.filters();
        int perAnchor = net.region().coords() + 1 + net.region().classes();
        long fanIn = (long) last.inChannels() * last.size() * last.size();
        long floats = last.weightCount(); // biases[filters] then kernels[filters][fanIn], at the end of the file
        try (FileChannel ch = FileChannel.open(out, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long start = ch.size() - floats * Float.BYTES;
            MappedByteBuffer map = ch.map(FileChannel.MapMode.READ_WRITE, start, floats * Float.BYTES);
            ByteBuffer le = map.order(ByteOrder.LITTLE_ENDIAN);
            for (int f = 0; f < filters; f++) {
                float scale = f % perAnchor < net.region().coords() ? BOX_SCALE : SCORE_SCALE;
                scale(le, f, scale);
                for (long i = filters + f * fanIn, end = i + fanIn; i < end; i++) {
                    scale(le, i, scale);
                }
            }
            map.force();
        }
    }

    /** Identifies the weights {@link #write} makes for a seed (recorded outputs name it). */
    public static String describe(long seed) {
        return "ConformanceWeights seed=" + seed + " box_scale=" + BOX_SCALE + " score_scale=" + SCORE_SCALE;
    }

    private static void scale(ByteBuffer le, long floatIndex, float scale) {
        int at = Math.toIntExact(floatIndex * Float.BYTES);
        le.putFloat(at, le.getFloat(at) * scale);
    }
}
