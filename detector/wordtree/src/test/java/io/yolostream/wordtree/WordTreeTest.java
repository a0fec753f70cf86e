package io.yolostream.wordtree;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WordTreeTest {
    /** animal(0) {dog(2) {husky(6), pug(7)}, cat(3)}, thing(1) {car(4), bike(5)}. */
    static final List<String> SMALL = List.of(
            "animal -1", "thing -1", "dog 0", "cat 0", "car 1", "bike 1", "husky 2", "pug 2");

    /** Lines in darknet's data/9k.tree format (WordNet id, index of the parent line, -1 for roots). */
    static final List<String> NINE_K_STYLE = List.of(
            "n00002452 -1",
            "n00020827 -1",
            "n00002684 -1",
            "n00003553 0",
            "n00027167 0",
            "n00033020 1",
            "n02084071 3",
            "n01317541 3",
            "n02087122 6",
            "n02110341 6",
            "n02111277 6",
            "");

    @Test
    void groupsFollowConsecutiveParents() {
        WordTree t = WordTree.parse(SMALL, "small.tree");
        assertEquals(8, t.size());
        assertEquals(4, t.groups());
        int[][] groups = {{0, 2}, {2, 2}, {4, 2}, {6, 2}};
        for (int g = 0; g < 4; g++) {
            assertEquals(groups[g][0], t.groupOffset(g), "offset of group " + g);
            assertEquals(groups[g][1], t.groupSize(g), "size of group " + g);
        }
        assertEquals(1, t.childGroup(0));
        assertEquals(2, t.childGroup(1));
        assertEquals(3, t.childGroup(2));
        assertEquals(-1, t.childGroup(3));
        assertTrue(t.isLeaf(6));
        assertFalse(t.isLeaf(2));
        assertEquals(3, t.group(7));
        assertArrayEquals(new int[]{0, 2, 6}, t.pathTo(6));
        assertArrayEquals(new int[]{1}, t.pathTo(1));
        assertEquals("husky", t.id(6));
    }

    @Test
    void parsesDarknet9kTreeFormat(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("9k.tree");
        Files.write(file, NINE_K_STYLE);
        WordTree t = WordTree.read(file);
        assertEquals(11, t.size());
        assertEquals("n02084071", t.id(6));
        assertEquals(3, t.parent(6));
        // Groups: roots {0,1,2}, children of 0 {3,4}, of 1 {5}, of 3 {6,7}, of 6 {8,9,10}.
        assertEquals(5, t.groups());
        assertEquals(3, t.groupSize(0));
        assertEquals(3, t.groupOffset(1));
        assertEquals(2, t.groupSize(1));
        assertEquals(1, t.groupSize(2));
        assertEquals(4, t.childGroup(6));
        assertEquals(8, t.groupOffset(4));
        assertEquals(3, t.groupSize(4));
        assertArrayEquals(new int[]{0, 3, 6, 10}, t.pathTo(10));
        assertEquals(t.ids(), WordTree.of(t.ids(), t.parents()).ids());
    }

    @Test
    void rejectsABadLine() {
        WordTreeException e = assertThrows(WordTreeException.class,
                () -> WordTree.parse(List.of("animal -1", "dog 0 extra"), "bad.tree"));
        assertTrue(e.getMessage().startsWith("bad.tree:2:"), e.getMessage());
        assertTrue(e.getMessage().contains("dog 0 extra"), e.getMessage());
        WordTreeException notInt = assertThrows(WordTreeException.class,
                () -> WordTree.parse(List.of("animal root"), "bad.tree"));
        assertTrue(notInt.getMessage().contains("'root'"), notInt.getMessage());
    }

    @Test
    void rejectsAParentAfterItsChild() {
        WordTreeException e = assertThrows(WordTreeException.class,
                () -> WordTree.parse(List.of("animal -1", "dog 2", "cat 0"), "order.tree"));
        assertTrue(e.getMessage().contains("node 1") && e.getMessage().contains("found 2"), e.getMessage());
        assertThrows(WordTreeException.class, () -> WordTree.parse(List.of("self 0"), "self.tree"));
    }

    @Test
    void rejectsSplitChildGroupsAndEmptyTrees() {
        assertThrows(WordTreeException.class,
                () -> WordTree.parse(List.of("a -1", "b -1", "c 0", "d 1", "e 0"), "split.tree"));
        assertThrows(WordTreeException.class, () -> WordTree.parse(List.of("", " "), "empty.tree"));
        assertThrows(WordTreeException.class, () -> WordTree.of(List.of("a"), new int[]{-1, 0}));
    }
}
