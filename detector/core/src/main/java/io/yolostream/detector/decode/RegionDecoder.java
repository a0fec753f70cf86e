package io.yolostream.detector.decode;

import io.yolostream.detector.model.ModelException;
import io.yolostream.detector.model.ModelInfo;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Turns a YOLOv2 / YOLO9000 region layer's raw output into detections exactly as darknet (pjreddie) does:
 * {@code forward_region_layer} activations, {@code get_region_detections}, {@code correct_region_boxes},
 * {@code do_nms_sort} and the {@code draw_detections} threshold.
 *
 * <p>Input: the last convolution's output for one image, {@code [channel][gridH][gridW]} floats starting at
 * {@code offset}, channel = {@code anchor*(coords+1+classes) + entry} (entries x, y, w, h, objectness, classes...).
 * The caller's data is only read (absolute gets), never modified; the buffer's position is ignored.
 *
 * <p>Activations are computed only for anchors whose objectness passes the threshold: darknet gives every other
 * anchor zero probabilities and drops it before NMS, so skipping them changes nothing.
 *
 * <p>Immutable; scratch is per call, so one instance may serve many threads.
 */
public final class RegionDecoder {
    private static final int ENTRY_OBJECTNESS = 4;
    private static final int ENTRY_CLASSES = 5;

    private final ModelInfo info;
    private final DecodeOptions options;
    private final HierarchyWalk walk;

    public RegionDecoder(ModelInfo info) {
        this(info, DecodeOptions.DEFAULTS);
    }

    public RegionDecoder(ModelInfo info, DecodeOptions options) {
        this.info = Objects.requireNonNull(info, "info");
        this.options = Objects.requireNonNull(options, "options");
        this.walk = info.tree() == null ? null
                : new HierarchyWalk(info.tree(), info.names(), options.hierarchy(), options.hierThresh());
    }

    public ModelInfo info() {
        return info;
    }

    public DecodeOptions options() {
        return options;
    }

    /** {@link #decode(FloatBuffer, int, DecodeGeometry)} with the sizes spelled out; placement from the model. */
    public List<DetectedBox> decode(FloatBuffer output, int offset, int gridW, int gridH, int netW, int netH,
                                  int imgW, int imgH) {
        return decode(output, offset, new DecodeGeometry(gridW, gridH, netW, netH, imgW, imgH,
                DecodeGeometry.Placement.of(info.preprocess())));
    }

    /** {@link #decode(FloatBuffer, int, DecodeGeometry)} over an array. */
    public List<DetectedBox> decode(float[] output, int offset, DecodeGeometry geometry) {
        return decode(FloatBuffer.wrap(output), offset, geometry);
    }

    /**
     * Decodes one image's region output.
     *
     * @param output   raw output, read from absolute index {@code offset} on
     * @param offset   index of channel 0, row 0, column 0
     * @param geometry grid, network input and original image sizes
     * @return detections above the threshold after NMS, highest score first
     */
    public List<DetectedBox> decode(FloatBuffer output, int offset, DecodeGeometry geometry) {
        int cells = geometry.cells();
        int perAnchor = info.coords() + 1 + info.classes();
        long needed = (long) offset + (long) info.outputChannels() * cells;
        if (offset < 0 || needed > output.limit()) {
            throw new ModelException("region output of model " + info.name() + ": expected " + info.outputChannels()
                    + " channels (" + info.num() + " anchors x " + perAnchor + ") x " + geometry.gridH() + " x "
                    + geometry.gridW() + " floats from offset " + offset + " (limit >= " + needed + "), found limit "
                    + output.limit());
        }
        float thresh = options.thresh();
        int total = cells * info.num();
        boolean[] alive = new boolean[total];
        Candidate[] byIndex = new Candidate[total];
        float[] classProbs = walk == null ? new float[info.classes()] : null;
        for (int n = 0; n < info.num(); n++) {
            int anchorBase = offset + n * perAnchor * cells;
            for (int cell = 0; cell < cells; cell++) {
                float scale = DarknetMath.logistic(output.get(anchorBase + ENTRY_OBJECTNESS * cells + cell));
                if (!(scale > thresh)) {
                    continue; // objectness and every prob are 0 in darknet: dropped by NMS
                }
                int index = n * cells + cell;
                alive[index] = true;
                RegionBox box = regionBox(output, anchorBase + cell, cells, n, cell, geometry)
                        .corrected(geometry);
                int classBase = anchorBase + ENTRY_CLASSES * cells + cell;
                byIndex[index] = walk != null
                        ? treeCandidate(index, box, scale, output, classBase, cells)
                        : flatCandidate(index, box, scale, output, classBase, cells, classProbs);
            }
        }
        List<Candidate> candidates = new ArrayList<>();
        for (int index : DarknetNms.compactionOrder(alive)) {
            if (byIndex[index] != null) {
                candidates.add(byIndex[index]);
            }
        }
        DarknetNms.apply(candidates, options.nms());
        candidates.sort(Comparator.comparingInt(c -> c.index));
        List<DetectedBox> detections = new ArrayList<>();
        for (Candidate c : candidates) {
            DetectedBox d = toDetection(c, geometry);
            if (d != null) {
                detections.add(d);
            }
        }
        // Stable: equal scores stay in darknet's detection order.
        detections.sort((a, b) -> Float.compare(b.score(), a.score()));
        return detections;
    }

    private RegionBox regionBox(FloatBuffer output, int boxIndex, int cells, int n, int cell, DecodeGeometry g) {
        float tx = DarknetMath.logistic(output.get(boxIndex));
        float ty = DarknetMath.logistic(output.get(boxIndex + cells));
        float[] anchors = info.anchors();
        return RegionBox.region(tx, ty, output, boxIndex, cells, anchors[2 * n], anchors[2 * n + 1],
                cell % g.gridW(), cell / g.gridW(), g.gridW(), g.gridH());
    }

    /** Softmax (or logistic) classes; keeps those whose {@code objectness*prob} exceeds the threshold. */
    private Candidate flatCandidate(int index, RegionBox box, float scale, FloatBuffer output, int classBase,
                                    int cells, float[] probs) {
        int classes = info.classes();
        if (info.softmax()) {
            DarknetMath.softmax(output, classBase, classes, cells, probs, 0);
        } else {
            for (int j = 0; j < classes; j++) {
                probs[j] = DarknetMath.logistic(output.get(classBase + j * cells));
            }
        }
        int kept = 0;
        for (int j = 0; j < classes; j++) {
            if (scale * probs[j] > options.thresh()) {
                kept++;
            }
        }
        if (kept == 0) {
            return null; // all probs 0: cannot suppress anything nor be reported
        }
        int[] ids = new int[kept];
        float[] kprobs = new float[kept];
        float[] conditionals = new float[kept];
        int s = 0;
        for (int j = 0; j < classes; j++) {
            float prob = scale * probs[j];
            if (prob > options.thresh()) {
                ids[s] = j;
                kprobs[s] = prob;
                conditionals[s] = probs[j];
                s++;
            }
        }
        return new Candidate(index, box, scale, ids, kprobs, conditionals, null);
    }

    /** WordTree: the walk picks one node, whose prob is the objectness (darknet's {@code prob[j] = scale}). */
    private Candidate treeCandidate(int index, RegionBox box, float scale, FloatBuffer output, int classBase,
                                    int cells) {
        List<DetectedBox.PathNode> path = walk.walk(output, classBase, cells);
        int node = path.get(path.size() - 1).labelId();
        return new Candidate(index, box, scale, new int[]{node}, new float[]{scale}, null, path);
    }

    /** {@code draw_detections}: every class still above the threshold; the best one (lowest id on ties) labels it. */
    private DetectedBox toDetection(Candidate c, DecodeGeometry g) {
        List<DetectedBox.ClassScore> classes = new ArrayList<>();
        int best = -1;
        for (int s = 0; s < c.classIds.length; s++) {
            float prob = c.probs[s];
            if (prob > options.thresh()) {
                classes.add(new DetectedBox.ClassScore(c.classIds[s], info.names().get(c.classIds[s]), prob));
                if (best < 0 || prob > c.probs[best]) {
                    best = s;
                }
            }
        }
        if (best < 0) {
            return null;
        }
        int label = c.classIds[best];
        String name = info.names().get(label);
        List<DetectedBox.PathNode> path = c.path != null ? c.path
                : List.of(new DetectedBox.PathNode(label, name, c.conditionals[best], c.probs[best]));
        return new DetectedBox(c.box.toPixels(g.imgW(), g.imgH()), c.objectness, label, name, c.probs[best], path,
                List.copyOf(classes));
    }

    @Override
    public String toString() {
        return "RegionDecoder[" + info + ", " + options + "]";
    }
}
