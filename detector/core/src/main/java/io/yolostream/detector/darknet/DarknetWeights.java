package io.yolostream.detector.darknet;

import io.yolostream.detector.model.ModelException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A darknet {@code .weights} file: int32 major, minor, revision, then {@code seen} as int64 when
 * {@code major*10+minor >= 2} (20-byte header) or int32 before that (16 bytes); then float32 little-endian values,
 * per convolutional layer in cfg order: biases, [scales, rolling mean, rolling variance,] weights (OIHW).
 */
public final class DarknetWeights {
    private final String source;
    private final int major;
    private final int minor;
    private final int revision;
    private final long seen;
    private final int headerBytes;
    private final FloatBuffer values;

    private DarknetWeights(String source, ByteBuffer data) {
        this.source = source;
        if (data.remaining() < 16) {
            throw new ModelException("weights " + source + ": expected a darknet header of at least 16 bytes, found a "
                    + data.remaining() + "-byte file");
        }
        data.order(ByteOrder.LITTLE_ENDIAN);
        major = data.getInt(0);
        minor = data.getInt(4);
        revision = data.getInt(8);
        boolean longSeen = major * 10 + minor >= 2 && major < 1000 && minor < 1000;
        if (major >= 1000 || minor >= 1000) {
            throw new ModelException("weights " + source + ": expected a darknet header version below 1000, found "
                    + major + "." + minor + " (transposed weights are not supported)");
        }
        headerBytes = longSeen ? 20 : 16;
        if (data.remaining() < headerBytes) {
            throw new ModelException("weights " + source + ": expected a " + headerBytes + "-byte header for version "
                    + major + "." + minor + ", found a " + data.remaining() + "-byte file");
        }
        seen = longSeen ? data.getLong(12) : Integer.toUnsignedLong(data.getInt(12));
        int body = data.remaining() - headerBytes;
        if (body % 4 != 0) {
            throw new ModelException("weights " + source + ": expected whole float32 values after the " + headerBytes
                    + "-byte header, found " + body + " bytes (" + (body / 4) + " floats and " + (body % 4)
                    + " stray bytes)");
        }
        values = data.position(headerBytes).slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    }

    public static DarknetWeights read(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            if (ch.size() > Integer.MAX_VALUE) {
                throw new ModelException("weights " + file + ": expected a file under 2 GiB, found " + ch.size()
                        + " bytes");
            }
            ByteBuffer map = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
            return new DarknetWeights(file.toString(), map);
        } catch (IOException e) {
            throw new ModelException("weights " + file + ": cannot read it: " + e.getMessage(), e);
        }
    }

    public static DarknetWeights of(byte[] bytes, String source) {
        return new DarknetWeights(source, ByteBuffer.wrap(bytes));
    }

    public String source() {
        return source;
    }

    public String version() {
        return major + "." + minor + "." + revision;
    }

    public long seen() {
        return seen;
    }

    public int headerBytes() {
        return headerBytes;
    }

    /** Number of float values after the header. */
    public long floatCount() {
        return values.capacity();
    }

    /** Checks the file holds exactly what the network needs. */
    public void requireCount(long expected, String cfgSource) {
        if (floatCount() != expected) {
            throw new ModelException("weights " + source + " (version " + version() + ", " + headerBytes
                    + "-byte header): " + cfgSource + " needs exactly " + expected + " floats, found " + floatCount()
                    + (floatCount() < expected ? " (the file is too short: truncated, or made for another cfg)"
                    : " (the file is too long: made for another cfg?)"));
        }
    }

    /** Sequential reader over the values. */
    public Cursor cursor() {
        return new Cursor(values.duplicate());
    }

    public static final class Cursor {
        private final FloatBuffer buf;

        private Cursor(FloatBuffer buf) {
            this.buf = buf;
        }

        public float[] next(int count) {
            if (buf.remaining() < count) {
                throw new ModelException("weights: expected " + count + " more floats, found " + buf.remaining());
            }
            float[] out = new float[count];
            buf.get(out);
            return out;
        }

        public long position() {
            return buf.position();
        }
    }
}
