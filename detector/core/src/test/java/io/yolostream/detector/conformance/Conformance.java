package io.yolostream.detector.conformance;

import io.yolostream.detector.decode.DetectedBox;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Compares darknet's post-NMS boxes with ours, in darknet's {@code detector valid} terms: one {@link Box} per
 * (box, class) whose probability is still non-zero after NMS.
 *
 * <p>Boxes are paired per image and class; every pair must agree within the {@link Tolerance}. A box on one side
 * only is accepted, counted and reported, in two cases only:
 * <ul>
 *   <li>threshold border: its probability is within the tolerance of the threshold (one side rounds above it, the
 *   other below);</li>
 *   <li>NMS near-tie: the other side kept, instead, an overlapping box of the same image and class whose probability
 *   is within the tolerance of its own. Which of two such boxes suppresses the other is decided by float rounding;
 *   the flip can free or suppress further, lower-scoring boxes overlapping them ("cascade"), accepted with it.</li>
 * </ul>
 * Everything else is a failure.
 */
final class Conformance {
    /** Boxes whose corners are this close (pixels) are the same box; the tolerance then applies to them. */
    private static final double SAME_BOX = 1.0;
    /** Near-tie halves and their cascade must overlap at least this much (clipped boxes; NMS suppresses above .45). */
    private static final double TIE_MIN_IOU = 0.3;

    /**
     * darknet prints probabilities with 6 decimals (rounding: up to 5e-7); beyond that, float32 rounding: darknet
     * sums convolutions in another order and applies batch norm unfolded, which moves these weights' logits (up to
     * about ±10) by ~1e-5: probabilities measured within 3.5e-5 of themselves (1.4e-5 absolute), boxes within
     * 0.0021 px. (Unscaled random weights, logits within ±0.3: 5.2e-7 absolute, 0.00025 px.)
     */
    static final Tolerance TOLERANCE = new Tolerance(1e-6, 1e-4, 0.01);

    private Conformance() {
    }

    /** Allowed difference: {@code |dprob| <= probAbs + probRel * prob}, box corners within {@code box} pixels. */
    record Tolerance(double probAbs, double probRel, double box) {
        double prob(double p) {
            return probAbs + probRel * p;
        }
    }

    /** {@code detector valid}'s line for one class of one box: corners 1-based, clipped to [1, width or height]. */
    record Box(String image, int classId, float prob, double xmin, double ymin, double xmax, double ymax) {
        /** {@code image classId prob xmin ymin xmax ymax}. */
        static Box parse(String line, String where) {
            String[] f = line.strip().split("\\s+");
            if (f.length != 7) {
                throw new IllegalArgumentException(where + ": expected 'image class prob xmin ymin xmax ymax', found '"
                        + line + "'");
            }
            return new Box(f[0], Integer.parseInt(f[1]), Float.parseFloat(f[2]), Double.parseDouble(f[3]),
                    Double.parseDouble(f[4]), Double.parseDouble(f[5]), Double.parseDouble(f[6]));
        }

        double distance(Box o) {
            return Math.max(Math.max(Math.abs(xmin - o.xmin), Math.abs(ymin - o.ymin)),
                    Math.max(Math.abs(xmax - o.xmax), Math.abs(ymax - o.ymax)));
        }

        double iou(Box o) {
            double iw = Math.min(xmax, o.xmax) - Math.max(xmin, o.xmin);
            double ih = Math.min(ymax, o.ymax) - Math.max(ymin, o.ymin);
            if (iw <= 0 || ih <= 0) {
                return 0;
            }
            double inter = iw * ih;
            return inter / ((xmax - xmin) * (ymax - ymin) + (o.xmax - o.xmin) * (o.ymax - o.ymin) - inter);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s class %d prob %.7f [%.4f %.4f %.4f %.4f]", image, classId, prob,
                    xmin, ymin, xmax, ymax);
        }
    }

    /** Our detections of one image as valid's lines: every class still above the threshold, per box. */
    static List<Box> ours(String image, List<DetectedBox> detections) {
        List<Box> boxes = new ArrayList<>();
        for (DetectedBox d : detections) {
            DetectedBox.Box b = d.box();
            for (DetectedBox.ClassScore c : d.classes()) {
                boxes.add(new Box(image, c.id(), c.prob(), b.left() + 1.0, b.top() + 1.0,
                        (double) b.left() + b.width() + 1.0, (double) b.top() + b.height() + 1.0));
            }
        }
        return boxes;
    }

    /**
     * The outcome for one model, size and image set.
     *
     * @param maxProbDiff largest |dprob| of a pair
     * @param maxProbRel  largest |dprob| / prob of a pair beyond the absolute tolerance (darknet's print rounding)
     * @param maxBoxDiff  largest corner difference of a pair, pixels
     */
    record Report(String name, int darknet, int ours, int paired, double maxProbDiff, double maxProbRel,
                  double maxBoxDiff, List<String> thresholdBorder, List<String> nmsTies, List<String> cascade,
                  List<String> failures, Set<String> darknetImages, Map<String, Integer> failuresPerImage) {
        String summary() {
            return String.format(Locale.ROOT, "%s: darknet %d boxes, ours %d, paired %d: max |dprob| %.2e"
                            + " (relative %.2e), max |dbox| %.2e px; threshold-border %d, NMS near-ties %d"
                            + " (cascade %d), failures %d", name, darknet, ours, paired, maxProbDiff, maxProbRel,
                    maxBoxDiff, thresholdBorder.size(), nmsTies.size(), cascade.size(), failures.size());
        }

        /** Every explained difference and up to {@code limit} failures, one per line. */
        String details(int limit) {
            StringBuilder b = new StringBuilder();
            thresholdBorder.forEach(s -> b.append("\n  threshold border: ").append(s));
            nmsTies.forEach(s -> b.append("\n  NMS near-tie: ").append(s));
            cascade.forEach(s -> b.append("\n  after a near-tie: ").append(s));
            failures.stream().limit(limit).forEach(s -> b.append("\n  FAILURE ").append(s));
            if (failures.size() > limit) {
                b.append("\n  ... ").append(failures.size() - limit).append(" more failures");
            }
            return b.toString();
        }
    }

    static Report compare(String name, List<Box> darknet, List<Box> ours, float thresh, Tolerance tol) {
        Map<String, List<Box>> theirs = group(darknet);
        Map<String, List<Box>> mine = group(ours);
        double maxProb = 0;
        double maxRel = 0;
        double maxBox = 0;
        int paired = 0;
        List<String> border = new ArrayList<>();
        List<String> ties = new ArrayList<>();
        List<String> cascade = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        List<String> keys = new ArrayList<>(theirs.keySet());
        mine.keySet().stream().filter(k -> !theirs.containsKey(k)).forEach(keys::add);
        for (String key : keys) {
            List<Box> onlyOurs = new ArrayList<>(mine.getOrDefault(key, List.of()));
            List<Box> onlyDarknet = new ArrayList<>();
            for (Box a : theirs.getOrDefault(key, List.of())) {
                // Boxes clipped to the same corners are told apart by their probabilities.
                Box best = onlyOurs.stream().min(Comparator.comparingDouble(b -> pairingCost(a, b, tol))).orElse(null);
                if (best == null || a.distance(best) > SAME_BOX) {
                    onlyDarknet.add(a);
                    continue;
                }
                onlyOurs.remove(best);
                paired++;
                double dp = Math.abs((double) a.prob - best.prob);
                maxProb = Math.max(maxProb, dp);
                maxRel = Math.max(maxRel, Math.max(0, dp - tol.probAbs()) / a.prob);
                maxBox = Math.max(maxBox, a.distance(best));
                if (dp > tol.prob(a.prob) || a.distance(best) > tol.box()) {
                    failures.add("differ: " + a + " (darknet), " + best + " (ours)");
                }
            }
            explain(onlyDarknet, onlyOurs, thresh, tol, border, ties, cascade);
            onlyDarknet.forEach(b -> failures.add("darknet only: " + b));
            onlyOurs.forEach(b -> failures.add("ours only: " + b));
        }
        Map<String, Integer> perImage = new TreeMap<>();
        for (String f : failures) {
            perImage.merge(f.substring(f.indexOf(": ") + 2).split(" ", 2)[0], 1, Integer::sum);
        }
        Set<String> images = new TreeSet<>();
        darknet.forEach(b -> images.add(b.image()));
        return new Report(name, darknet.size(), ours.size(), paired, maxProb, maxRel, maxBox, border, ties, cascade,
                failures, images, perImage);
    }

    /** Removes the explained boxes from the two lists, recording why. */
    private static void explain(List<Box> onlyDarknet, List<Box> onlyOurs, float thresh, Tolerance tol,
                                List<String> border, List<String> ties, List<String> cascade) {
        for (List<Box> side : List.of(onlyDarknet, onlyOurs)) {
            for (Box b : List.copyOf(side)) {
                if (Math.abs((double) b.prob - thresh) <= tol.prob(thresh)) {
                    border.add((side == onlyDarknet ? "darknet only: " : "ours only: ") + b);
                    side.remove(b);
                }
            }
        }
        List<Box> flipped = new ArrayList<>();
        for (Box a : List.copyOf(onlyDarknet)) {
            Box tie = onlyOurs.stream()
                    .filter(b -> Math.abs((double) a.prob - b.prob) <= tol.prob(a.prob) && a.iou(b) >= TIE_MIN_IOU
                            && a.distance(b) > SAME_BOX)
                    .min(Comparator.comparingDouble(b -> Math.abs((double) a.prob - b.prob))).orElse(null);
            if (tie != null) {
                ties.add("darknet kept " + a + ", ours kept " + tie);
                onlyDarknet.remove(a);
                onlyOurs.remove(tie);
                flipped.add(a);
                flipped.add(tie);
            }
        }
        boolean changed = !flipped.isEmpty();
        while (changed) {
            changed = false;
            for (List<Box> side : List.of(onlyDarknet, onlyOurs)) {
                for (Box b : List.copyOf(side)) {
                    boolean freed = flipped.stream().anyMatch(f -> b.prob <= f.prob + tol.prob(f.prob)
                            && b.iou(f) >= TIE_MIN_IOU);
                    if (freed) {
                        cascade.add((side == onlyDarknet ? "darknet only: " : "ours only: ") + b);
                        side.remove(b);
                        flipped.add(b);
                        changed = true;
                    }
                }
            }
        }
    }

    /** Within the box tolerance, by probability; beyond it, by distance. */
    private static double pairingCost(Box a, Box b, Tolerance tol) {
        double distance = a.distance(b);
        return distance <= tol.box() ? Math.abs((double) a.prob - b.prob) : 1 + distance;
    }

    private static Map<String, List<Box>> group(List<Box> boxes) {
        Map<String, List<Box>> by = new LinkedHashMap<>();
        for (Box b : boxes) {
            by.computeIfAbsent(b.image + "/" + b.classId, k -> new ArrayList<>()).add(b);
        }
        return by;
    }
}
