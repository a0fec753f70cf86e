package io.yolostream.sinks.track;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The label rule on a small tree (the 9k tree's path to the terriers, shortened): object › animal › dog ›
 * {Norfolk terrier, Yorkshire terrier}, and cat beside dog.
 */
class TrackLabelTest {
    private static final TrackerParams P = TrackerParams.DEFAULTS; // threshold 0.6, hysteresis 0.1, prior 1

    /** A 9k-style path: object, animal, dog (or cat), then the leaf, with these conditionals. */
    private static List<LabelNode> path(String mid, String leaf, double leafConditional) {
        List<LabelNode> p = new ArrayList<>();
        p.add(LabelNode.of("object", "n00002684", 0, 1.0));
        p.add(LabelNode.of("animal", "n00015388", 1, 0.95));
        p.add(LabelNode.of(mid, mid.equals("dog") ? "n02084071" : "n02121620", mid.equals("dog") ? 3 : 4, 0.95));
        if (leaf != null) {
            int id = leaf.equals("Norfolk terrier") ? 6 : 7;
            p.add(LabelNode.of(leaf, id == 6 ? "n02094114" : "n02094433", id, leafConditional));
        }
        return p;
    }

    private static String name(TrackLabel l) {
        List<LabelSupport> p = l.path(P);
        return p.isEmpty() ? "" : p.get(p.size() - 1).name();
    }

    @Test
    void deepensAsFramesAgree() {
        TrackLabel l = new TrackLabel();
        List<String> seen = new ArrayList<>();
        for (int k = 0; k < 8; k++) {
            l.add(path("dog", "Norfolk terrier", 0.8), 0.9, P);
            seen.add(name(l));
        }
        // support after n frames of weight 0.9 = e · 0.9n / (0.9n + 1) with the node's evidence e (the product of
        // the conditionals): nothing at 1 frame (object 0.47); animal (e 0.95) at 2 (0.61); dog (e 0.9025) at 3
        // (0.66); Norfolk terrier (e 0.722) at 6 (0.61)
        assertEquals(List.of("", "animal", "dog", "dog", "dog", "Norfolk terrier", "Norfolk terrier",
                "Norfolk terrier"), seen);
        List<LabelSupport> p = l.path(P);
        assertEquals(List.of("object", "animal", "dog", "Norfolk terrier"), p.stream().map(LabelSupport::name).toList());
        assertEquals("n02094114", p.get(3).wordnetId());
        for (int i = 1; i < p.size(); i++) {
            assertTrue(p.get(i).support() <= p.get(i - 1).support() + 1e-12, "support never grows down the path");
        }
    }

    @Test
    void neverFlipsBetweenSiblingsWithoutEvidenceForTheNewOne() {
        TrackLabel l = new TrackLabel();
        for (int k = 0; k < 10; k++) {
            l.add(path("dog", "Norfolk terrier", 0.9), 1, P);
        }
        assertEquals("Norfolk terrier", name(l));
        // a few frames say Yorkshire terrier: the label holds (its support stays above threshold − hysteresis)
        for (int k = 0; k < 3; k++) {
            l.add(path("dog", "Yorkshire terrier", 0.9), 1, P);
            assertEquals("Norfolk terrier", name(l), "after " + (k + 1) + " Yorkshire frames");
        }
        // more: Norfolk's support falls below 0.5 → back to dog (no sibling passes 0.6 yet), never straight across
        List<String> seen = new ArrayList<>();
        for (int k = 0; k < 40; k++) {
            l.add(path("dog", "Yorkshire terrier", 0.9), 1, P);
            seen.add(name(l));
        }
        int firstDog = seen.indexOf("dog");
        int firstYorkshire = seen.indexOf("Yorkshire terrier");
        assertTrue(firstDog >= 0 && firstYorkshire > firstDog, "Norfolk → dog → Yorkshire: " + seen);
        assertTrue(l.support("#7", P) >= P.labelThreshold(), "Yorkshire only once it passed the threshold itself");
    }

    @Test
    void disagreeingChildrenLeaveTheLabelAtTheirParent() {
        // a flat model alternating dog / cat (both mapped under animal): the label stays "animal"
        TrackLabel l = new TrackLabel();
        for (int k = 0; k < 20; k++) {
            l.add(path(k % 2 == 0 ? "dog" : "cat", null, 1), 1, P);
        }
        assertEquals("animal", name(l));
    }

    @Test
    void savesAndRestores() {
        TrackLabel l = new TrackLabel();
        for (int k = 0; k < 6; k++) {
            l.add(path("dog", "Norfolk terrier", 0.8), 1, P);
        }
        TrackLabel r = TrackLabel.restore(l.evidence(), l.weightSum(), l.currentKey());
        assertEquals(l.path(P), r.path(P));
        l.add(path("dog", null, 1), 1, P);
        r.add(path("dog", null, 1), 1, P);
        assertEquals(l.path(P), r.path(P));
    }

    @Test
    void settingsThatWouldAllowTwoSiblingsAreRefused() {
        assertTrue(TrackerParams.problems(0.5, 0.1, 0.6, 3, 1, 1000, 0.5, 0, 1, 10).stream()
                .anyMatch(s -> s.contains("above 0.5")));
        assertTrue(TrackerParams.problems(0.5, 0.1, 0.6, 3, 1, 1000, 0.6, 0.3, 1, 10).stream()
                .anyMatch(s -> s.contains("track-label-hysteresis")));
        assertTrue(TrackerParams.problems(0.5, 0.1, 0.6, 3, 1, 1000, 0.6, 0.2, 1, 10).isEmpty());
    }
}
