package io.yolostream.detector.onnx;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Minimal protobuf wire-format reader, the counterpart of {@link ProtoWriter}: walks the fields of one message.
 * Throws {@link IllegalArgumentException} on truncated or malformed input; {@link OnnxModel} turns that into a
 * ModelException naming the file.
 */
final class ProtoReader {
    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LEN = 2;
    static final int FIXED32 = 5;

    private final byte[] buf;
    private int pos;
    private final int end;
    private int field;
    private int wireType;

    ProtoReader(byte[] buf) {
        this(buf, 0, buf.length);
    }

    private ProtoReader(byte[] buf, int offset, int end) {
        this.buf = buf;
        this.pos = offset;
        this.end = end;
    }

    /** Advances to the next field; false at the end of the message. */
    boolean next() {
        if (pos >= end) {
            return false;
        }
        long tag = varint();
        field = (int) (tag >>> 3);
        wireType = (int) (tag & 7);
        if (field <= 0) {
            throw new IllegalArgumentException("field number 0 at byte " + pos);
        }
        return true;
    }

    int field() {
        return field;
    }

    int wireType() {
        return wireType;
    }

    long int64() {
        expect(VARINT);
        return varint();
    }

    float float32() {
        expect(FIXED32);
        return Float.intBitsToFloat(fixed32());
    }

    String string() {
        return new String(bytes(), StandardCharsets.UTF_8);
    }

    byte[] bytes() {
        expect(LEN);
        int n = length();
        byte[] out = Arrays.copyOfRange(buf, pos, pos + n);
        pos += n;
        return out;
    }

    ProtoReader message() {
        expect(LEN);
        int n = length();
        ProtoReader r = new ProtoReader(buf, pos, pos + n);
        pos += n;
        return r;
    }

    /** Packed varints (LEN) or one unpacked varint. */
    long[] int64s() {
        if (wireType == VARINT) {
            return new long[]{varint()};
        }
        ProtoReader r = message();
        long[] out = new long[8];
        int n = 0;
        while (r.pos < r.end) {
            if (n == out.length) {
                out = Arrays.copyOf(out, n * 2);
            }
            out[n++] = r.varint();
        }
        return Arrays.copyOf(out, n);
    }

    /** Packed floats (LEN) or one unpacked fixed32. */
    float[] float32s() {
        if (wireType == FIXED32) {
            return new float[]{float32()};
        }
        ProtoReader r = message();
        float[] out = new float[(r.end - r.pos) / 4];
        for (int i = 0; i < out.length; i++) {
            out[i] = Float.intBitsToFloat(r.fixed32());
        }
        return out;
    }

    void skip() {
        switch (wireType) {
            case VARINT -> varint();
            case FIXED64 -> advance(8);
            case LEN -> advance(length());
            case FIXED32 -> advance(4);
            default -> throw new IllegalArgumentException("unsupported wire type " + wireType + " for field " + field);
        }
    }

    private void expect(int type) {
        if (wireType != type) {
            throw new IllegalArgumentException("field " + field + ": expected wire type " + type + ", found "
                    + wireType);
        }
    }

    private int length() {
        long n = varint();
        if (n < 0 || n > end - pos) {
            throw new IllegalArgumentException("field " + field + ": length " + n + " runs past the message end");
        }
        return (int) n;
    }

    private void advance(int n) {
        if (n > end - pos) {
            throw new IllegalArgumentException("field " + field + ": truncated");
        }
        pos += n;
    }

    private int fixed32() {
        advance(4);
        return (buf[pos - 4] & 0xFF) | (buf[pos - 3] & 0xFF) << 8 | (buf[pos - 2] & 0xFF) << 16
                | (buf[pos - 1] & 0xFF) << 24;
    }

    private long varint() {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= end) {
                throw new IllegalArgumentException("truncated varint");
            }
            byte b = buf[pos++];
            value |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return value;
            }
        }
        throw new IllegalArgumentException("varint longer than 10 bytes");
    }
}
