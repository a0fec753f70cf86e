package io.yolostream.detector.decode;

/** How a WordTree model's hierarchy walk ({@code hierarchy_top_prediction}) compares node probabilities. */
public enum HierarchyMode {
    /**
     * Darknet's behaviour: the walk runs on absolute probabilities (after {@code hierarchy_predictions}) yet still
     * multiplies them along the way, so every ancestor is counted twice and the walk stops earlier than intended.
     * Default, so that results match darknet's.
     */
    DARKNET,
    /**
     * The intended walk: compare the per-group (conditional) softmax values, so the running product is the absolute
     * probability.
     */
    CONDITIONAL;

    /** "darknet" or "conditional", any case. */
    public static HierarchyMode parse(String text) {
        try {
            return valueOf(text.strip().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new io.yolostream.detector.model.ModelException("hier-mode: expected darknet or conditional, found '"
                    + text + "'");
        }
    }
}
