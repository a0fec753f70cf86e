package io.yolostream.detector.model;

import io.yolostream.wordtree.WordTree;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Everything needed to decode a YOLOv2 region output, as stored in an ONNX file's {@code metadata_props}
 * under {@code yolostream.*} keys, so that a converted model is self-describing.
 *
 * @param name        model name (usually the cfg file's base name)
 * @param anchors     2*num anchor sizes in grid cells (w0,h0,w1,h1,...)
 * @param num         anchors per cell
 * @param coords      box coordinates per anchor (4)
 * @param classes     class scores per anchor
 * @param softmax     softmax over the classes (darknet {@code softmax=1}); logistic otherwise
 * @param names       class names, one per class
 * @param tree        the WordTree when the model predicts with a hierarchical softmax, else null
 * @param inputWidth  the cfg's nominal input width
 * @param inputHeight the cfg's nominal input height
 * @param stride      total down-sampling of the network (32 for YOLOv2)
 * @param preprocess  how frames are turned into input ({@value #DARKNET_LETTERBOX} or {@value #FACEAPI_PAD})
 * @param sourceHash  sha256 of the cfg (and weights) the model came from, or "" when unknown
 */
public record ModelInfo(String name, float[] anchors, int num, int coords, int classes, boolean softmax,
                        List<String> names, WordTree tree, int inputWidth, int inputHeight, int stride,
                        String preprocess, String sourceHash) {

    public static final String PREFIX = "yolostream.";
    public static final String FORMAT_VERSION = "1";
    public static final String DARKNET_LETTERBOX = "darknet-letterbox";
    /** face-api's toBatchTensor: zero padding at the bottom/right to the input's aspect, resize, (x-mean)/255. */
    public static final String FACEAPI_PAD = "faceapi-pad-bottom-right";

    public ModelInfo {
        Objects.requireNonNull(name, "name");
        names = List.copyOf(names);
        anchors = anchors.clone();
        if (num <= 0 || coords != 4 || classes <= 0) {
            throw new ModelException("model " + name + ": expected num > 0, coords = 4 and classes > 0, found num="
                    + num + " coords=" + coords + " classes=" + classes);
        }
        if (anchors.length != 2 * num) {
            throw new ModelException("model " + name + ": expected " + (2 * num) + " anchor values (num=" + num
                    + "), found " + anchors.length);
        }
        if (names.size() != classes) {
            throw new ModelException("model " + name + ": expected " + classes + " class names, found "
                    + names.size());
        }
        if (tree != null && tree.size() != classes) {
            throw new ModelException("model " + name + ": expected a WordTree of " + classes + " nodes, found "
                    + tree.size());
        }
    }

    /** Channels of the raw output: num * (coords + 1 + classes). */
    public int outputChannels() {
        return num * (coords + 1 + classes);
    }

    public boolean hierarchical() {
        return tree != null;
    }

    /** Placeholder names ("class0", ...) for models converted without a names file. */
    public static List<String> placeholderNames(int classes) {
        List<String> names = new ArrayList<>(classes);
        for (int i = 0; i < classes; i++) {
            names.add("class" + i);
        }
        return names;
    }

    public ModelInfo withNames(List<String> newNames) {
        return new ModelInfo(name, anchors, num, coords, newNames.size(), softmax, newNames, tree, inputWidth,
                inputHeight, stride, preprocess, sourceHash);
    }

    public Map<String, String> toMetadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(PREFIX + "format", FORMAT_VERSION);
        m.put(PREFIX + "name", name);
        m.put(PREFIX + "anchors", joinFloats(anchors));
        m.put(PREFIX + "num", Integer.toString(num));
        m.put(PREFIX + "coords", Integer.toString(coords));
        m.put(PREFIX + "classes", Integer.toString(classes));
        m.put(PREFIX + "softmax", Boolean.toString(softmax));
        m.put(PREFIX + "names", String.join("\n", names));
        if (tree != null) {
            m.put(PREFIX + "tree.ids", String.join("\n", tree.ids()));
            m.put(PREFIX + "tree.parents", Arrays.stream(tree.parents()).mapToObj(Integer::toString)
                    .collect(Collectors.joining(",")));
        }
        m.put(PREFIX + "input.width", Integer.toString(inputWidth));
        m.put(PREFIX + "input.height", Integer.toString(inputHeight));
        m.put(PREFIX + "stride", Integer.toString(stride));
        m.put(PREFIX + "preprocess", preprocess);
        m.put(PREFIX + "source.sha256", sourceHash);
        return m;
    }

    /** True when the map carries yolostream metadata (a model converted by us). */
    public static boolean hasMetadata(Map<String, String> metadata) {
        return metadata.containsKey(PREFIX + "format");
    }

    /**
     * Reads the metadata written by {@link #toMetadata()}. {@code source} names the file in errors; all missing or
     * malformed keys are reported at once.
     */
    public static ModelInfo fromMetadata(Map<String, String> metadata, String source) {
        List<String> problems = new ArrayList<>();
        String format = metadata.get(PREFIX + "format");
        if (!FORMAT_VERSION.equals(format)) {
            throw new ModelException(source + ": expected yolostream model metadata format " + FORMAT_VERSION
                    + ", found " + (format == null ? "no yolostream metadata (give --anchors and --names for a model"
                    + " converted elsewhere)" : "format " + format));
        }
        String name = metadata.getOrDefault(PREFIX + "name", "model");
        float[] anchors = parseFloats(metadata.get(PREFIX + "anchors"), "anchors", problems);
        int num = parseInt(metadata, "num", problems);
        int coords = parseInt(metadata, "coords", problems);
        int classes = parseInt(metadata, "classes", problems);
        boolean softmax = Boolean.parseBoolean(metadata.getOrDefault(PREFIX + "softmax", "true"));
        String namesText = metadata.get(PREFIX + "names");
        List<String> names = namesText == null ? null : List.of(namesText.split("\n", -1));
        if (names == null) {
            problems.add("missing key " + PREFIX + "names");
        }
        WordTree tree = null;
        String treeIds = metadata.get(PREFIX + "tree.ids");
        String treeParents = metadata.get(PREFIX + "tree.parents");
        if (treeIds != null && treeParents != null) {
            try {
                int[] parents = Arrays.stream(treeParents.split(",")).mapToInt(s -> Integer.parseInt(s.strip()))
                        .toArray();
                tree = WordTree.of(List.of(treeIds.split("\n", -1)), parents);
            } catch (NumberFormatException e) {
                problems.add(PREFIX + "tree.parents: expected comma-separated integers, found " + e.getMessage());
            } catch (ModelException e) {
                problems.add(e.getMessage());
            }
        }
        int width = parseInt(metadata, "input.width", problems);
        int height = parseInt(metadata, "input.height", problems);
        int stride = metadata.containsKey(PREFIX + "stride") ? parseInt(metadata, "stride", problems) : 32;
        String preprocess = metadata.getOrDefault(PREFIX + "preprocess", DARKNET_LETTERBOX);
        String hash = metadata.getOrDefault(PREFIX + "source.sha256", "");
        if (!problems.isEmpty()) {
            throw new ModelException(source + ": bad yolostream metadata:\n  - " + String.join("\n  - ", problems));
        }
        try {
            return new ModelInfo(name, anchors, num, coords, classes, softmax, names, tree, width, height, stride,
                    preprocess, hash);
        } catch (ModelException e) {
            throw new ModelException(source + ": " + e.getMessage(), e);
        }
    }

    static String joinFloats(float[] values) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(values[i]);
        }
        return sb.toString();
    }

    /** Parses "1.0, 2.5,3" (darknet's anchors syntax); adds a problem and returns an empty array when malformed. */
    public static float[] parseFloats(String text, String what, List<String> problems) {
        if (text == null || text.isBlank()) {
            problems.add("missing " + what);
            return new float[0];
        }
        String[] parts = text.split(",");
        float[] out = new float[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Float.parseFloat(parts[i].strip());
            } catch (NumberFormatException e) {
                problems.add(what + ": expected comma-separated numbers, found '" + parts[i].strip() + "'");
            }
        }
        return out;
    }

    private static int parseInt(Map<String, String> metadata, String key, List<String> problems) {
        String v = metadata.get(PREFIX + key);
        if (v == null) {
            problems.add("missing key " + PREFIX + key);
            return 0;
        }
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            problems.add(PREFIX + key + ": expected an integer, found '" + v + "'");
            return 0;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelInfo other && toMetadata().equals(other.toMetadata());
    }

    @Override
    public int hashCode() {
        return toMetadata().hashCode();
    }

    @Override
    public String toString() {
        return "ModelInfo[" + name + ", num=" + num + ", classes=" + classes + (tree != null ? ", tree" : "")
                + ", input=" + inputWidth + "x" + inputHeight + "]";
    }
}
