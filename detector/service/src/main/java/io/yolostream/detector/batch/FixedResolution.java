package io.yolostream.detector.batch;

/** Always the same size: for comparisons and for operators who want a known quality. */
public final class FixedResolution implements ResolutionPolicy {
    static final String PREFIX = "fixed:";

    private final int size;

    public FixedResolution(int size) {
        if (size <= 0 || size % ResolutionLadder.STRIDE != 0) {
            throw new IllegalArgumentException(
                    "resolution policy fixed: expected a positive multiple of 32, found " + size);
        }
        this.size = size;
    }

    /** {@code "fixed:416"}. */
    public static FixedResolution parse(String spec) {
        String s = spec == null ? "" : spec.trim();
        if (!s.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            throw new IllegalArgumentException("resolution policy: expected fixed:N, found '" + spec + "'");
        }
        int n;
        try {
            n = Integer.parseInt(s.substring(PREFIX.length()).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "resolution policy: expected fixed:N with N a multiple of 32, found '" + spec + "'", e);
        }
        return new FixedResolution(n);
    }

    public int size() {
        return size;
    }

    @Override
    public int choose(BatchContext ctx) {
        return size;
    }

    @Override
    public String describe() {
        return PREFIX + size;
    }

    @Override
    public String toString() {
        return describe();
    }
}
