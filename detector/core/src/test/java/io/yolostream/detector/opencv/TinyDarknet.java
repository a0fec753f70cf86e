package io.yolostream.detector.opencv;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes tiny darknet cfg/weights pairs for tests (weights format: darknet 0.2, little-endian). */
final class TinyDarknet {
    private TinyDarknet() {}

    static Path writeCfg(Path dir, String name, String cfg) throws IOException {
        return Files.writeString(dir.resolve(name + ".cfg"), cfg);
    }

    /** Header major=0 minor=2 revision=0 seen(int64)=0, then the floats in file order. */
    static Path writeWeights(Path dir, String name, float[]... blocks) throws IOException {
        int n = 0;
        for (float[] b : blocks) {
            n += b.length;
        }
        ByteBuffer bb = ByteBuffer.allocate(3 * 4 + 8 + 4 * n).order(ByteOrder.LITTLE_ENDIAN);
        bb.putInt(0).putInt(2).putInt(0).putLong(0L);
        for (float[] b : blocks) {
            for (float f : b) {
                bb.putFloat(f);
            }
        }
        return Files.write(dir.resolve(name + ".weights"), bb.array());
    }

    /** Deterministic small values in [-1, 1). */
    static float[] values(int n, int seed) {
        float[] out = new float[n];
        long s = seed * 2654435761L + 1;
        for (int i = 0; i < n; i++) {
            s = s * 6364136223846793005L + 1442695040888963407L;
            out[i] = ((s >>> 40) / (float) (1 << 24)) * 2f - 1f;
        }
        return out;
    }

    static float[] filled(int n, float v) {
        float[] out = new float[n];
        java.util.Arrays.fill(out, v);
        return out;
    }
}
