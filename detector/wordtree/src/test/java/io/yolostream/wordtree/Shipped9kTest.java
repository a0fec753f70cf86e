package io.yolostream.wordtree;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The YOLO9000 tree and names shipped in the jar: darknet's files, byte for byte, and what they mean. */
class Shipped9kTest {
    @Test
    void theShippedFilesAreDarknetsByteForByte() throws Exception {
        // sha256 of darknet's data/9k.tree and data/9k.names as in the pjreddie/darknet repository
        assertEquals("124b05033e928707069995e1b61823c80f10fc14d82f84c9cd5575443b61be54", sha256("9k.tree"));
        assertEquals("ec9d79f248c0faff73e84b1980eb0b0ef56ad46005ba0b61bf8ab1d7f844f038", sha256("9k.names"));
        String license = new String(bytes("LICENSE.darknet"), StandardCharsets.UTF_8);
        assertTrue(license.contains("Darknet is public domain."), license);
    }

    @Test
    void theTreeHas9418NodesNamedByTheNamesFile() {
        WordTree t = WordTree.shipped9k();
        List<String> names = LabelNames.shipped9k();
        assertEquals(9418, t.size());
        assertEquals(9418, names.size());
        assertSame(t, WordTree.shipped9k(), "parsed once, shared");
        assertSame(names, LabelNames.shipped9k());
        assertEquals("n00002452", t.id(0));
        assertEquals("thing", names.get(0));
        assertEquals(-1, t.parent(0));
    }

    @Test
    void aNorfolkTerrierIsADogIsAnAnimal() {
        WordTree t = WordTree.shipped9k();
        List<String> names = LabelNames.shipped9k();
        int terrier = names.indexOf("Norfolk terrier");
        assertTrue(terrier > 0);
        assertTrue(t.isLeaf(terrier));
        List<String> path = Arrays.stream(t.pathTo(terrier)).mapToObj(names::get).toList();
        assertEquals("Norfolk terrier", path.get(path.size() - 1));
        assertTrue(path.containsAll(List.of("dog", "animal", "object")), path.toString());
        int dog = names.indexOf("dog");
        assertEquals("n02084071", t.id(dog), "dog is WordNet's n02084071");
        // darknet's coco9k.map puts COCO's car at line 3802 of 9k.tree: the motor vehicle sense
        assertEquals("n02958343", t.id(3802));
        assertEquals("car", names.get(3802));
        assertEquals("motor vehicle", names.get(t.parent(3802)));
    }

    private static String sha256(String resource) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes(resource)));
    }

    private static byte[] bytes(String resource) throws IOException {
        try (InputStream in = WordTree.class.getResourceAsStream(resource)) {
            assertNotNull(in, resource + " in the jar");
            return in.readAllBytes();
        }
    }
}
