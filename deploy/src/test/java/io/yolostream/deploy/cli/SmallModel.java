package io.yolostream.deploy.cli;

import io.yolostream.detector.darknet.DarknetCfg;
import io.yolostream.detector.darknet.DarknetNetwork;
import io.yolostream.detector.darknet.RandomWeights;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** A small generated darknet model for the CLI tests: 64×64 input, three convolutions, 3 classes, seeded weights. */
record SmallModel(Path cfg, Path weights) {
    static final String CFG = """
            [net]
            width=64
            height=64
            channels=3

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
            filters=16
            size=3
            stride=2
            pad=1
            activation=leaky

            [maxpool]
            size=4
            stride=4

            [convolutional]
            size=1
            stride=1
            pad=1
            filters=16
            activation=linear

            [region]
            anchors = 1.08,1.19,  3.42,4.41
            classes=3
            coords=4
            num=2
            softmax=1
            """;

    /** small.cfg and small.weights in {@code dir}. */
    static SmallModel write(Path dir) throws IOException {
        Path cfg = Files.writeString(dir.resolve("small.cfg"), CFG);
        Path weights = dir.resolve("small.weights");
        try (OutputStream os = Files.newOutputStream(weights)) {
            RandomWeights.write(DarknetNetwork.of(DarknetCfg.read(cfg)), 5, 0, 2, os);
        }
        return new SmallModel(cfg, weights);
    }
}
