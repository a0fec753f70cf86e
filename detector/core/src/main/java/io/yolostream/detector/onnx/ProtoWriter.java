package io.yolostream.detector.onnx;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Minimal protobuf wire-format writer: enough to write ONNX models without generated classes or a protobuf
 * dependency. Nested messages are written into their own writer and embedded with a length prefix.
 */
final class ProtoWriter {
    private static final int VARINT = 0;
    private static final int LEN = 2;
    private static final int FIXED32 = 5;

    private final Out out = new Out();

    /** ByteArrayOutputStream that exposes its buffer, so embedding does not copy twice. */
    private static final class Out extends ByteArrayOutputStream {
        Out() {
            super(256);
        }

        void writeTo(OutputStream os, int dummy) throws IOException {
            os.write(buf, 0, count);
        }
    }

    ProtoWriter int64(int field, long value) {
        tag(field, VARINT);
        varint(value);
        return this;
    }

    ProtoWriter float32(int field, float value) {
        tag(field, FIXED32);
        int bits = Float.floatToIntBits(value);
        out.write(bits);
        out.write(bits >>> 8);
        out.write(bits >>> 16);
        out.write(bits >>> 24);
        return this;
    }

    ProtoWriter string(int field, String value) {
        return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    ProtoWriter bytes(int field, byte[] value) {
        tag(field, LEN);
        varint(value.length);
        out.write(value, 0, value.length);
        return this;
    }

    ProtoWriter message(int field, ProtoWriter message) {
        tag(field, LEN);
        varint(message.out.size());
        try {
            message.out.writeTo(out, 0);
        } catch (IOException e) {
            throw new IllegalStateException(e); // ByteArrayOutputStream does not throw
        }
        return this;
    }

    int size() {
        return out.size();
    }

    void writeTo(OutputStream os) throws IOException {
        out.writeTo(os, 0);
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }

    private void tag(int field, int wireType) {
        varint(((long) field << 3) | wireType);
    }

    private void varint(long value) {
        while ((value & ~0x7FL) != 0) {
            out.write((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
    }
}
