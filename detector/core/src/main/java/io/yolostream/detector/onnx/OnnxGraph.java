package io.yolostream.detector.onnx;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds an ONNX model (one graph, default domain) and writes it as protobuf. Field numbers follow onnx.proto;
 * only what yolostream's converters need is supported: float and int64 initializers, nodes with int, float and
 * ints attributes, float tensors with symbolic or fixed dimensions, and metadata_props.
 */
public final class OnnxGraph {
    /** IR version 8 (ONNX 1.10+): understood by every ONNX Runtime since 1.10. */
    private static final long IR_VERSION = 8;
    private static final int FLOAT = 1;
    private static final int INT64 = 7;

    private final String name;
    private final long opset;
    private final List<ProtoWriter> nodes = new ArrayList<>();
    private final List<ProtoWriter> initializers = new ArrayList<>();
    private final List<ProtoWriter> inputs = new ArrayList<>();
    private final List<ProtoWriter> outputs = new ArrayList<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private int nodeCount;

    public OnnxGraph(String name, long opset) {
        this.name = name;
        this.opset = opset;
    }

    /** A dimension: a {@link Long} for a fixed size, a {@link String} for a symbolic one. */
    public OnnxGraph input(String tensor, Object... dims) {
        inputs.add(valueInfo(tensor, dims));
        return this;
    }

    public OnnxGraph output(String tensor, Object... dims) {
        outputs.add(valueInfo(tensor, dims));
        return this;
    }

    public OnnxGraph floatInitializer(String tensor, float[] values, long... dims) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(values);
        initializers.add(tensor(tensor, FLOAT, raw.array(), dims));
        return this;
    }

    public OnnxGraph int64Initializer(String tensor, long[] values, long... dims) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        raw.asLongBuffer().put(values);
        initializers.add(tensor(tensor, INT64, raw.array(), dims));
        return this;
    }

    /** Starts a node; finish it with {@link Node#add()}. */
    public Node node(String opType, List<String> in, List<String> out) {
        return new Node(opType, in, out);
    }

    public OnnxGraph metadata(Map<String, String> entries) {
        metadata.putAll(entries);
        return this;
    }

    public void writeTo(OutputStream os) throws IOException {
        model().writeTo(os);
    }

    public byte[] toByteArray() {
        return model().toByteArray();
    }

    private ProtoWriter model() {
        ProtoWriter graph = new ProtoWriter();
        nodes.forEach(n -> graph.message(1, n));
        graph.string(2, name);
        initializers.forEach(t -> graph.message(5, t));
        inputs.forEach(v -> graph.message(11, v));
        outputs.forEach(v -> graph.message(12, v));

        ProtoWriter model = new ProtoWriter();
        model.int64(1, IR_VERSION);
        model.string(2, "yolostream");
        model.string(3, "1");
        model.message(7, graph);
        model.message(8, new ProtoWriter().string(1, "").int64(2, opset));
        metadata.forEach((k, v) -> model.message(14, new ProtoWriter().string(1, k).string(2, v)));
        return model;
    }

    private static ProtoWriter tensor(String name, int type, byte[] raw, long[] dims) {
        ProtoWriter t = new ProtoWriter();
        for (long d : dims) {
            t.int64(1, d);
        }
        t.int64(2, type);
        t.string(8, name);
        t.bytes(9, raw);
        return t;
    }

    private static ProtoWriter valueInfo(String name, Object[] dims) {
        ProtoWriter shape = new ProtoWriter();
        for (Object d : dims) {
            ProtoWriter dim = new ProtoWriter();
            if (d instanceof String s) {
                dim.string(2, s);
            } else {
                dim.int64(1, ((Number) d).longValue());
            }
            shape.message(1, dim);
        }
        ProtoWriter tensorType = new ProtoWriter().int64(1, FLOAT).message(2, shape);
        ProtoWriter type = new ProtoWriter().message(1, tensorType);
        return new ProtoWriter().string(1, name).message(2, type);
    }

    /** A node under construction. */
    public final class Node {
        private final ProtoWriter w = new ProtoWriter();

        private Node(String opType, List<String> in, List<String> out) {
            in.forEach(i -> w.string(1, i));
            out.forEach(o -> w.string(2, o));
            w.string(3, opType.toLowerCase() + "_" + nodeCount++);
            w.string(4, opType);
        }

        public Node attr(String attrName, long value) {
            w.message(5, new ProtoWriter().string(1, attrName).int64(3, value).int64(20, 2));
            return this;
        }

        public Node attr(String attrName, float value) {
            w.message(5, new ProtoWriter().string(1, attrName).float32(2, value).int64(20, 1));
            return this;
        }

        public Node attr(String attrName, long... values) {
            ProtoWriter a = new ProtoWriter().string(1, attrName);
            for (long v : values) {
                a.int64(8, v);
            }
            w.message(5, a.int64(20, 7));
            return this;
        }

        public OnnxGraph add() {
            nodes.add(w);
            return OnnxGraph.this;
        }
    }
}
