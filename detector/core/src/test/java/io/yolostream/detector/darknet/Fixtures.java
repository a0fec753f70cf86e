package io.yolostream.detector.darknet;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.SplittableRandom;

/** Small darknet cfgs and random weights made in the tests (the project's tests do not need ../shared). */
public final class Fixtures {
    private Fixtures() {
    }

    /** A miniature YOLOv2: every layer type, passthrough route + reorg, 2 anchors, 3 classes, stride 32. */
    public static final String TINY_YOLOV2 = """
            [net]
            width=64
            height=64
            channels=3

            [convolutional]
            batch_normalize=1
            filters=4
            size=3
            stride=1
            pad=1
            activation=leaky

            [maxpool]
            size=2
            stride=2

            [convolutional]
            batch_normalize=1
            filters=8
            size=3
            stride=1
            pad=1
            activation=leaky

            [maxpool]
            size=2
            stride=2

            [convolutional]
            batch_normalize=1
            filters=8
            size=3
            stride=2
            pad=1
            activation=leaky

            [maxpool]
            size=2
            stride=2

            [convolutional]
            batch_normalize=1
            filters=8
            size=1
            stride=1
            pad=1
            activation=leaky

            [maxpool]
            size=2
            stride=2

            [convolutional]
            batch_normalize=1
            filters=16
            size=3
            stride=1
            pad=1
            activation=leaky

            [maxpool]
            size=2
            stride=1

            [route]
            layers=-4

            [convolutional]
            batch_normalize=1
            filters=4
            size=1
            stride=1
            pad=1
            activation=leaky

            [reorg]
            stride=2

            [route]
            layers=-1,-4

            [convolutional]
            size=1
            stride=1
            pad=1
            filters=16
            activation=linear

            [region]
            anchors = 1.08,1.19,  3.42,4.41
            bias_match=1
            classes=3
            coords=4
            num=2
            softmax=1
            """;

    public static DarknetNetwork network(String cfg) {
        return DarknetNetwork.of(DarknetCfg.parse(cfg, "test.cfg"));
    }

    public static byte[] randomWeights(DarknetNetwork net, long seed, int major, int minor) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            RandomWeights.write(net, seed, major, minor, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Random CHW image in 0..1 for a batch. */
    public static float[] randomImages(int batch, int h, int w, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = new float[batch * 3 * h * w];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextDouble();
        }
        return x;
    }
}
