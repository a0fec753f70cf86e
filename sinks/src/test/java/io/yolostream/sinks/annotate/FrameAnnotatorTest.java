package io.yolostream.sinks.annotate;

import io.yolostream.detector.avro.DetectedObject;
import io.yolostream.sinks.avro.RoutedPathNode;
import io.yolostream.sinks.hierarchy.Hierarchy;
import io.yolostream.sinks.testing.Fixtures;
import io.yolostream.wordtree.WordTree;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class FrameAnnotatorTest {
    @Test
    void captionHasLabelScoreAndTheLastTwoLevelsColourFollowsTheTopLevelCategory(@TempDir Path dir) {
        Path[] t = Fixtures.smallTree(dir);
        Hierarchy h = Hierarchy.of(WordTree.read(t[0]), Fixtures.SMALL_NAMES, "small");
        WordTree tree = WordTree.read(t[0]);
        DetectedObject norfolk = Fixtures.treeObject(tree, Fixtures.SMALL_NAMES, Fixtures.NORFOLK, 0.8f);
        DetectedObject tabby = Fixtures.treeObject(tree, Fixtures.SMALL_NAMES, Fixtures.TABBY, 0.55f);
        DetectedObject car = Fixtures.treeObject(tree, Fixtures.SMALL_NAMES, Fixtures.CAR, 0.5f);
        List<RoutedPathNode> pn = h.pathOf(norfolk);
        assertEquals("Norfolk terrier 0.80 · dog › Norfolk terrier", FrameAnnotator.caption(norfolk, pn));
        // both animals (the node under the root), so one colour; a car is an artifact
        assertEquals(FrameAnnotator.colour(pn), FrameAnnotator.colour(h.pathOf(tabby)));
        assertNotEquals(FrameAnnotator.colour(pn), FrameAnnotator.colour(h.pathOf(car)));
        // a flat model: the label alone
        DetectedObject flat = Fixtures.flatObject("dog", 11, 0.75f);
        assertEquals("dog 0.75", FrameAnnotator.caption(flat, Hierarchy.FLAT.pathOf(flat)));
    }

    @Test
    void coloursAreStableAcrossRuns() {
        // FNV-1a: fixed values, not String.hashCode's (which could change per JVM in principle)
        assertEquals(0x811C9DC5, FrameAnnotator.stableHash(""));
        assertEquals(0xE40C292C, FrameAnnotator.stableHash("a"));
    }
}
