package io.yolostream.detector.darknet;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;

/**
 * Writes a darknet weights file with seeded random values for a network: for demos and tests where the official
 * weights are not at hand. Values are scaled so activations neither vanish nor explode through deep networks
 * (He-style kernel scale, batch-norm variance near 1).
 */
public final class RandomWeights {
    private RandomWeights() {
    }

    /**
     * @param major header major version; {@code major*10+minor >= 2} writes the 20-byte header, else 16 bytes
     */
    public static void write(DarknetNetwork net, long seed, int major, int minor, OutputStream os) throws IOException {
        SplittableRandom rnd = new SplittableRandom(seed);
        OutputStream out = new BufferedOutputStream(os, 1 << 16);
        boolean longSeen = major * 10 + minor >= 2;
        ByteBuffer header = ByteBuffer.allocate(longSeen ? 20 : 16).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(major).putInt(minor).putInt(0);
        if (longSeen) {
            header.putLong(0);
        } else {
            header.putInt(0);
        }
        out.write(header.array());
        ByteBuffer buf = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        for (DarknetLayer layer : net.layers()) {
            if (!(layer instanceof DarknetLayer.Convolutional c)) {
                continue;
            }
            int n = c.filters();
            for (int i = 0; i < n; i++) {
                put(out, buf, (float) (rnd.nextDouble() - 0.5) * 0.2f);          // biases
            }
            if (c.batchNormalize()) {
                for (int i = 0; i < n; i++) {
                    put(out, buf, (float) (0.5 + rnd.nextDouble()));             // scales
                }
                for (int i = 0; i < n; i++) {
                    put(out, buf, (float) (rnd.nextDouble() - 0.5) * 0.2f);      // rolling mean
                }
                for (int i = 0; i < n; i++) {
                    put(out, buf, (float) (0.5 + rnd.nextDouble()));             // rolling variance
                }
            }
            int fanIn = c.inChannels() * c.size() * c.size();
            double scale = Math.sqrt(3.0 / fanIn);
            long count = (long) n * fanIn;
            for (long i = 0; i < count; i++) {
                put(out, buf, (float) ((rnd.nextDouble() * 2 - 1) * scale));
            }
        }
        out.flush();
    }

    private static void put(OutputStream out, ByteBuffer buf, float v) throws IOException {
        buf.clear();
        buf.putFloat(v);
        out.write(buf.array());
    }
}
