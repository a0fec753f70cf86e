package io.yolostream.detector.onnx;

import io.yolostream.detector.model.ModelException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An ONNX model read into memory for rewriting (the quantizer works on it): the subset of onnx.proto that yolostream's
 * converters write, plus what other exporters commonly add. Nodes, initializers and graph inputs/outputs are
 * editable; attributes and value infos are kept as their protobuf bytes so that what is not understood survives a
 * read/write round trip unchanged.
 */
public final class OnnxModel {
    public static final int FLOAT = 1;
    public static final int UINT8 = 2;
    public static final int INT8 = 3;
    public static final int INT32 = 6;
    public static final int INT64 = 7;

    public long irVersion;
    public String producerName = "";
    public String producerVersion = "";
    public String graphName = "";
    /** domain ("" = the default ai.onnx) → opset version. */
    public final Map<String, Long> opsets = new LinkedHashMap<>();
    public final List<Node> nodes = new ArrayList<>();
    public final Map<String, Tensor> initializers = new LinkedHashMap<>();
    public final List<ValueInfo> inputs = new ArrayList<>();
    public final List<ValueInfo> outputs = new ArrayList<>();
    public final List<ValueInfo> valueInfos = new ArrayList<>();
    public final Map<String, String> metadata = new LinkedHashMap<>();

    /** One node; {@code inputs} may hold "" for an omitted optional input. */
    public record Node(String name, String opType, String domain, List<String> inputs, List<String> outputs,
                       List<Attribute> attributes) {
        public Node {
            inputs = new ArrayList<>(inputs);
            outputs = new ArrayList<>(outputs);
            attributes = List.copyOf(attributes);
        }

        public Attribute attribute(String attrName) {
            for (Attribute a : attributes) {
                if (a.name().equals(attrName)) {
                    return a;
                }
            }
            return null;
        }

        public long intAttribute(String attrName, long fallback) {
            Attribute a = attribute(attrName);
            return a == null ? fallback : a.i();
        }
    }

    /** An attribute: its parsed name and scalar/ints value, and its protobuf bytes (written back as they were). */
    public record Attribute(String name, long i, float f, long[] ints, byte[] proto) {
        public static Attribute of(String name, long value) {
            return new Attribute(name, value, 0, new long[0],
                    new ProtoWriter().string(1, name).int64(3, value).int64(20, 2).toByteArray());
        }

        public static Attribute of(String name, float value) {
            return new Attribute(name, 0, value, new long[0],
                    new ProtoWriter().string(1, name).float32(2, value).int64(20, 1).toByteArray());
        }
    }

    /** An initializer; its data little-endian in {@code raw} whatever field the file used. */
    public record Tensor(String name, int dataType, long[] dims, byte[] raw) {
        public long elementCount() {
            long n = 1;
            for (long d : dims) {
                n *= d;
            }
            return n;
        }

        public float[] floats() {
            if (dataType != FLOAT) {
                throw new ModelException("initializer " + name + ": expected float data, found data type " + dataType);
            }
            float[] out = new float[raw.length / 4];
            ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
            return out;
        }

        public static Tensor ofFloats(String name, float[] values, long... dims) {
            ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(values);
            return new Tensor(name, FLOAT, dims, b.array());
        }

        public static Tensor ofInts(String name, int[] values, long... dims) {
            ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            b.asIntBuffer().put(values);
            return new Tensor(name, INT32, dims, b.array());
        }

        /** INT8 or UINT8 values. */
        public static Tensor ofBytes(String name, int dataType, byte[] values, long... dims) {
            return new Tensor(name, dataType, dims, values.clone());
        }
    }

    /** A graph input/output/value_info: its name and protobuf bytes. */
    public record ValueInfo(String name, byte[] proto) {
        /** A tensor of {@code elemType} with unknown shape (what extra calibration outputs need). */
        public static ValueInfo tensor(String name, int elemType) {
            ProtoWriter tensorType = new ProtoWriter().int64(1, elemType);
            ProtoWriter type = new ProtoWriter().message(1, tensorType);
            return new ValueInfo(name, new ProtoWriter().string(1, name).message(2, type).toByteArray());
        }
    }

    /** The producer of each tensor, and the nodes that read it. */
    public Map<String, Node> producers() {
        Map<String, Node> m = new LinkedHashMap<>();
        for (Node n : nodes) {
            for (String o : n.outputs()) {
                m.put(o, n);
            }
        }
        return m;
    }

    public Map<String, List<Node>> consumers() {
        Map<String, List<Node>> m = new LinkedHashMap<>();
        for (Node n : nodes) {
            for (String i : n.inputs()) {
                if (!i.isEmpty()) {
                    m.computeIfAbsent(i, k -> new ArrayList<>()).add(n);
                }
            }
        }
        return m;
    }

    public static OnnxModel read(byte[] bytes, String source) {
        try {
            return parseModel(new ProtoReader(bytes));
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new ModelException("model " + source + ": expected an ONNX protobuf file, found malformed data ("
                    + e.getMessage() + ")", e);
        }
    }

    public byte[] toByteArray() {
        ProtoWriter graph = new ProtoWriter();
        for (Node n : nodes) {
            ProtoWriter w = new ProtoWriter();
            n.inputs().forEach(i -> w.string(1, i));
            n.outputs().forEach(o -> w.string(2, o));
            if (!n.name().isEmpty()) {
                w.string(3, n.name());
            }
            w.string(4, n.opType());
            n.attributes().forEach(a -> w.bytes(5, a.proto()));
            if (!n.domain().isEmpty()) {
                w.string(7, n.domain());
            }
            graph.message(1, w);
        }
        graph.string(2, graphName);
        for (Tensor t : initializers.values()) {
            ProtoWriter w = new ProtoWriter();
            for (long d : t.dims()) {
                w.int64(1, d);
            }
            w.int64(2, t.dataType());
            w.string(8, t.name());
            w.bytes(9, t.raw());
            graph.message(5, w);
        }
        inputs.forEach(v -> graph.bytes(11, v.proto()));
        outputs.forEach(v -> graph.bytes(12, v.proto()));
        valueInfos.forEach(v -> graph.bytes(13, v.proto()));

        ProtoWriter model = new ProtoWriter();
        model.int64(1, irVersion);
        model.string(2, producerName);
        model.string(3, producerVersion);
        model.message(7, graph);
        opsets.forEach((domain, version) -> model.message(8, new ProtoWriter().string(1, domain).int64(2, version)));
        metadata.forEach((k, v) -> model.message(14, new ProtoWriter().string(1, k).string(2, v)));
        return model.toByteArray();
    }

    private static OnnxModel parseModel(ProtoReader r) {
        OnnxModel m = new OnnxModel();
        boolean graph = false;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> m.irVersion = r.int64();
                case 2 -> m.producerName = r.string();
                case 3 -> m.producerVersion = r.string();
                case 7 -> {
                    parseGraph(r.message(), m);
                    graph = true;
                }
                case 8 -> {
                    ProtoReader o = r.message();
                    String domain = "";
                    long version = 0;
                    while (o.next()) {
                        switch (o.field()) {
                            case 1 -> domain = o.string();
                            case 2 -> version = o.int64();
                            default -> o.skip();
                        }
                    }
                    m.opsets.put(domain, version);
                }
                case 14 -> {
                    ProtoReader p = r.message();
                    String key = "";
                    String value = "";
                    while (p.next()) {
                        switch (p.field()) {
                            case 1 -> key = p.string();
                            case 2 -> value = p.string();
                            default -> p.skip();
                        }
                    }
                    m.metadata.put(key, value);
                }
                case 25 -> throw new IllegalArgumentException("model-local functions are not supported");
                default -> r.skip();
            }
        }
        if (!graph) {
            throw new IllegalArgumentException("no graph");
        }
        return m;
    }

    private static void parseGraph(ProtoReader r, OnnxModel m) {
        while (r.next()) {
            switch (r.field()) {
                case 1 -> m.nodes.add(parseNode(r.message()));
                case 2 -> m.graphName = r.string();
                case 5 -> {
                    Tensor t = parseTensor(r.message());
                    m.initializers.put(t.name(), t);
                }
                case 11 -> m.inputs.add(parseValueInfo(r.bytes()));
                case 12 -> m.outputs.add(parseValueInfo(r.bytes()));
                case 13 -> m.valueInfos.add(parseValueInfo(r.bytes()));
                case 15 -> throw new IllegalArgumentException("sparse initializers are not supported");
                default -> r.skip();
            }
        }
    }

    private static Node parseNode(ProtoReader r) {
        List<String> in = new ArrayList<>();
        List<String> out = new ArrayList<>();
        List<Attribute> attrs = new ArrayList<>();
        String name = "";
        String op = "";
        String domain = "";
        while (r.next()) {
            switch (r.field()) {
                case 1 -> in.add(r.string());
                case 2 -> out.add(r.string());
                case 3 -> name = r.string();
                case 4 -> op = r.string();
                case 5 -> attrs.add(parseAttribute(r.bytes()));
                case 7 -> domain = r.string();
                default -> r.skip();
            }
        }
        return new Node(name, op, domain, in, out, attrs);
    }

    private static Attribute parseAttribute(byte[] proto) {
        ProtoReader r = new ProtoReader(proto);
        String name = "";
        long i = 0;
        float f = 0;
        long[] ints = new long[0];
        while (r.next()) {
            switch (r.field()) {
                case 1 -> name = r.string();
                case 2 -> f = r.float32();
                case 3 -> i = r.int64();
                case 8 -> ints = concat(ints, r.int64s());
                default -> r.skip();
            }
        }
        return new Attribute(name, i, f, ints, proto);
    }

    private static Tensor parseTensor(ProtoReader r) {
        long[] dims = new long[0];
        int type = 0;
        String name = "";
        byte[] raw = null;
        ByteBuffer values = null;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> dims = concat(dims, r.int64s());
                case 2 -> type = (int) r.int64();
                case 4 -> {
                    float[] f = r.float32s();
                    values = append(values, f.length * 4);
                    for (float v : f) {
                        values.putFloat(v);
                    }
                }
                case 5, 7 -> {
                    long[] v = r.int64s();
                    boolean wide = r.field() == 7;
                    values = append(values, v.length * (wide ? 8 : 4));
                    for (long x : v) {
                        if (wide) {
                            values.putLong(x);
                        } else {
                            values.putInt((int) x);
                        }
                    }
                }
                case 8 -> name = r.string();
                case 9 -> raw = r.bytes();
                case 13, 14 -> throw new IllegalArgumentException("external tensor data is not supported");
                default -> r.skip();
            }
        }
        if (raw == null) {
            raw = values == null ? new byte[0] : java.util.Arrays.copyOf(values.array(), values.position());
            if ((type == UINT8 || type == INT8) && values != null) {
                // int32_data holds one 8-bit value per int32
                ByteBuffer in = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
                byte[] narrow = new byte[raw.length / 4];
                for (int k = 0; k < narrow.length; k++) {
                    narrow[k] = (byte) in.getInt();
                }
                raw = narrow;
            }
        }
        return new Tensor(name, type, dims, raw);
    }

    private static ValueInfo parseValueInfo(byte[] proto) {
        ProtoReader r = new ProtoReader(proto);
        String name = "";
        while (r.next()) {
            if (r.field() == 1) {
                name = r.string();
            } else {
                r.skip();
            }
        }
        return new ValueInfo(name, proto);
    }

    private static ByteBuffer append(ByteBuffer b, int more) {
        if (b == null) {
            return ByteBuffer.allocate(Math.max(64, more)).order(ByteOrder.LITTLE_ENDIAN);
        }
        if (b.remaining() >= more) {
            return b;
        }
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(b.capacity() * 2, b.position() + more))
                .order(ByteOrder.LITTLE_ENDIAN);
        bigger.put(b.array(), 0, b.position());
        return bigger;
    }

    private static long[] concat(long[] a, long[] b) {
        long[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
