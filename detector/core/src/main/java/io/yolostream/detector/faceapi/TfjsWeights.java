package io.yolostream.detector.faceapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.yolostream.detector.model.ModelException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * TF.js layers weights: a {@code weights_manifest.json} (groups of {@code {paths, weights: [{name, shape, dtype,
 * quantization?}]}}) and the binary shards it names, concatenated in manifest order. Tensors are stored back to back,
 * each as float32 little endian or quantised ({@code quantization: {dtype: uint8|uint16, min, scale}}: value =
 * {@code min + scale * q}, TF.js's dequantisation).
 */
public final class TfjsWeights {
    /** One dequantised tensor, row-major in its TF.js (NHWC / HWIO) layout. */
    public record Tensor(String name, int[] shape, float[] values) {
        public int size() {
            return values.length;
        }
    }

    private final Map<String, Tensor> tensors;

    private TfjsWeights(Map<String, Tensor> tensors) {
        this.tensors = tensors;
    }

    /** Reads the manifest and its shards from the manifest's directory. */
    public static TfjsWeights read(Path manifest) {
        JsonNode root = readManifest(manifest);
        List<byte[]> shards = new ArrayList<>();
        int total = 0;
        for (JsonNode group : root) {
            for (JsonNode p : group.path("paths")) {
                Path shard = manifest.resolveSibling(p.asText());
                shards.add(readBytes(shard, "weights shard named by " + manifest));
                total += shards.get(shards.size() - 1).length;
            }
        }
        byte[] all = new byte[total];
        int at = 0;
        for (byte[] s : shards) {
            System.arraycopy(s, 0, all, at, s.length);
            at += s.length;
        }
        return parse(root, all, manifest.toString());
    }

    /** Reads the manifest with {@code weights} as the concatenation of all its shards (one shard: the .bin). */
    public static TfjsWeights read(Path manifest, Path weights) {
        return parse(readManifest(manifest), readBytes(weights, "weights"), manifest + " + " + weights);
    }

    /** The one weights file a single-shard manifest names (face-api's models), beside the manifest. */
    public static Path singleShard(Path manifest) {
        List<String> paths = new ArrayList<>();
        for (JsonNode group : readManifest(manifest)) {
            for (JsonNode p : group.path("paths")) {
                paths.add(p.asText());
            }
        }
        if (paths.size() != 1) {
            throw new ModelException("weights manifest " + manifest + ": expected one weights file in its paths"
                    + " (or give it), found " + paths);
        }
        return manifest.resolveSibling(paths.get(0));
    }

    /** Parses manifest JSON text against the weight bytes; {@code source} names both in errors. */
    public static TfjsWeights parse(String manifestJson, byte[] weights, String source) {
        try {
            return parse(new ObjectMapper().readTree(manifestJson), weights, source);
        } catch (IOException e) {
            throw new ModelException(source + ": expected a TF.js weights manifest (JSON), found: " + e.getMessage(), e);
        }
    }

    private static TfjsWeights parse(JsonNode root, byte[] weights, String source) {
        if (root == null || !root.isArray()) {
            throw new ModelException(source + ": expected a TF.js weights manifest (a JSON array of weight groups),"
                    + " found " + (root == null ? "nothing" : root.getNodeType()));
        }
        ByteBuffer buf = ByteBuffer.wrap(weights).order(ByteOrder.LITTLE_ENDIAN);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (JsonNode group : root) {
            for (JsonNode w : group.path("weights")) {
                Tensor t = tensor(w, buf, source);
                out.put(t.name(), t);
            }
        }
        if (buf.hasRemaining()) {
            throw new ModelException(source + ": expected " + buf.position() + " bytes of weights (the manifest's "
                    + out.size() + " tensors), found " + weights.length);
        }
        return new TfjsWeights(out);
    }

    private static Tensor tensor(JsonNode w, ByteBuffer buf, String source) {
        String name = w.path("name").asText(null);
        if (name == null || !w.path("shape").isArray()) {
            throw new ModelException(source + ": expected every weight to have a name and a shape, found " + w);
        }
        int[] shape = new int[w.path("shape").size()];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            shape[i] = w.path("shape").get(i).asInt(-1);
            if (shape[i] < 0) {
                throw new ModelException(source + ": weight " + name + ": expected non-negative dimensions, found "
                        + w.path("shape"));
            }
            count *= shape[i];
        }
        String dtype = w.path("dtype").asText("");
        if (!dtype.equals("float32")) {
            throw new ModelException(source + ": weight " + name + ": expected dtype float32, found '" + dtype + "'");
        }
        JsonNode q = w.get("quantization");
        String stored = q == null ? "float32" : q.path("dtype").asText("");
        int bytesPer = switch (stored) {
            case "float32" -> 4;
            case "uint8" -> 1;
            case "uint16" -> 2;
            default -> throw new ModelException(source + ": weight " + name
                    + ": expected quantization dtype uint8 or uint16 (or none), found '" + stored + "'");
        };
        long needed = count * bytesPer;
        if (needed > buf.remaining()) {
            throw new ModelException(source + ": weight " + name + " " + Arrays.toString(shape) + ": expected "
                    + needed + " bytes at offset " + buf.position() + ", found " + buf.remaining()
                    + " (weights file of " + buf.capacity() + " bytes)");
        }
        float[] values = new float[Math.toIntExact(count)];
        if (q == null) {
            for (int i = 0; i < values.length; i++) {
                values[i] = buf.getFloat();
            }
        } else {
            if (!q.path("min").isNumber() || !q.path("scale").isNumber()) {
                throw new ModelException(source + ": weight " + name + ": expected quantization min and scale,"
                        + " found " + q);
            }
            double min = q.path("min").asDouble();
            double scale = q.path("scale").asDouble();
            for (int i = 0; i < values.length; i++) {
                int v = bytesPer == 1 ? Byte.toUnsignedInt(buf.get()) : Short.toUnsignedInt(buf.getShort());
                values[i] = (float) (min + scale * v);
            }
        }
        return new Tensor(name, shape, values);
    }

    public List<Tensor> tensors() {
        return List.copyOf(tensors.values());
    }

    /** The tensor by name, checked against the shape the graph expects. */
    public Tensor get(String name, int... shape) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new ModelException("TF.js weights: expected a tensor " + name + ", found only " + tensors.keySet());
        }
        if (!Arrays.equals(t.shape(), shape)) {
            throw new ModelException("TF.js weights: expected " + name + " of shape " + Arrays.toString(shape)
                    + ", found " + Arrays.toString(t.shape()));
        }
        return t;
    }

    private static JsonNode readManifest(Path manifest) {
        try {
            return new ObjectMapper().readTree(readBytes(manifest, "weights manifest"));
        } catch (IOException e) {
            throw new ModelException("weights manifest " + manifest + ": expected JSON, found: " + e.getMessage(), e);
        }
    }

    private static byte[] readBytes(Path file, String what) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ModelException(what + " " + file + ": cannot read it: " + e, e);
        }
    }
}
