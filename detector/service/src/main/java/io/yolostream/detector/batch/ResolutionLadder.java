package io.yolostream.detector.batch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The input sizes a batch may run at. YOLOv2 downsamples by 32, so each rung is a multiple of 32; ascending order
 * lets a policy step up and down by rung index.
 */
public final class ResolutionLadder {
    public static final int STRIDE = 32;
    public static final ResolutionLadder DEFAULT = range(320, 608, STRIDE);

    private final List<Integer> sizes;

    private ResolutionLadder(List<Integer> sizes) {
        if (sizes.isEmpty()) {
            throw new IllegalArgumentException("resolution ladder: expected at least one size, found none");
        }
        for (int i = 0; i < sizes.size(); i++) {
            int s = sizes.get(i);
            if (s <= 0 || s % STRIDE != 0) {
                throw new IllegalArgumentException(
                        "resolution ladder: expected positive multiples of 32, found " + s + " in " + sizes);
            }
            if (i > 0 && s <= sizes.get(i - 1)) {
                throw new IllegalArgumentException(
                        "resolution ladder: expected strictly ascending sizes, found " + sizes);
            }
        }
        this.sizes = List.copyOf(sizes);
    }

    public static ResolutionLadder of(int... sizes) {
        return new ResolutionLadder(Arrays.stream(sizes).boxed().toList());
    }

    public static ResolutionLadder of(List<Integer> sizes) {
        return new ResolutionLadder(List.copyOf(sizes));
    }

    /** {@code min, min+step, ..., max}; {@code max} must be reachable so the ladder is what was asked for. */
    public static ResolutionLadder range(int min, int max, int step) {
        if (step <= 0 || step % STRIDE != 0) {
            throw new IllegalArgumentException("resolution ladder step: expected a positive multiple of 32, found " + step);
        }
        if (max < min || (max - min) % step != 0) {
            throw new IllegalArgumentException("resolution ladder " + min + ".." + max + "/" + step
                    + ": expected max >= min and max - min a multiple of the step");
        }
        List<Integer> sizes = new ArrayList<>();
        for (int s = min; s <= max; s += step) {
            sizes.add(s);
        }
        return new ResolutionLadder(sizes);
    }

    /** {@code "320,352,416"}, {@code "320..608"} (step 32) or {@code "320..608/64"}. */
    public static ResolutionLadder parse(String spec) {
        String s = spec == null ? "" : spec.replace(" ", "");
        try {
            if (s.contains("..")) {
                String[] minMax = s.split("\\.\\.", 2);
                String[] maxStep = minMax[1].split("/", 2);
                int step = maxStep.length == 2 ? Integer.parseInt(maxStep[1]) : STRIDE;
                return range(Integer.parseInt(minMax[0]), Integer.parseInt(maxStep[0]), step);
            }
            if (s.isEmpty()) {
                throw new NumberFormatException();
            }
            return of(Arrays.stream(s.split(",")).mapToInt(Integer::parseInt).toArray());
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            throw new IllegalArgumentException("resolution ladder: expected \"320,352,...\" or \"MIN..MAX[/STEP]\", found '"
                    + spec + "'", e);
        }
    }

    public List<Integer> sizes() {
        return sizes;
    }

    public int min() {
        return sizes.get(0);
    }

    public int max() {
        return sizes.get(sizes.size() - 1);
    }

    public int rungs() {
        return sizes.size();
    }

    public int size(int rung) {
        return sizes.get(rung);
    }

    /** Index of {@code size}, or -1 if it is not a rung. */
    public int rungOf(int size) {
        return sizes.indexOf(size);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ResolutionLadder l && l.sizes.equals(sizes);
    }

    @Override
    public int hashCode() {
        return sizes.hashCode();
    }

    @Override
    public String toString() {
        return sizes.toString();
    }
}
