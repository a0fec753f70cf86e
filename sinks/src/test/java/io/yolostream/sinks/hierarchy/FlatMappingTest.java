package io.yolostream.sinks.hierarchy;

import io.yolostream.config.ConfigException;
import io.yolostream.sinks.avro.RoutedDetection;
import io.yolostream.sinks.avro.RoutedPathNode;
import io.yolostream.sinks.common.SinksSerdes;
import io.yolostream.sinks.config.SinksConfig;
import io.yolostream.sinks.routing.RoutingTopology;
import io.yolostream.sinks.testing.Driver;
import io.yolostream.sinks.testing.Fixtures;
import io.yolostream.wordtree.WordTree;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.yolostream.sinks.testing.Fixtures.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Flat models (VOC, COCO, a user map) placed on the tree. */
class FlatMappingTest {
    @TempDir
    Path dir;

    @Test
    void vocLabelsAreRoutedThroughTheBuiltInMap() {
        Path[] t = Fixtures.smallTree(dir);
        SinksConfig c = SinksConfig.of("tree", t[0].toString(), "names", t[1].toString(), "map", "voc",
                "subscribe", "animal,artifact,airplane");
        try (Driver d = new Driver(c, RoutingTopology.buildTopology(c))) {
            d.send(Fixtures.detection("cam1", 1, T0, List.of(Fixtures.flatObject("aeroplane", 0, 0.9f),
                    Fixtures.flatObject("dog", 11, 0.8f), Fixtures.flatObject("tvmonitor", 19, 0.7f))));
            List<RoutedDetection> planes = d.output("detections.airplane", SinksSerdes.routed()).readValuesToList();
            assertEquals(1, planes.size());
            RoutedDetection p = planes.get(0);
            assertEquals("aeroplane", p.getLabel(), "the model's label is kept");
            assertEquals(List.of("object", "artifact", "airplane"),
                    p.getPath().stream().map(RoutedPathNode::getName).toList());
            assertEquals(List.of(0, 2, 10), p.getPath().stream().map(RoutedPathNode::getLabelId).toList());
            assertEquals(1f, p.getPath().get(0).getConditional(), "ancestors of a mapped class: conditional 1");
            assertEquals(0.9f, p.getPath().get(0).getProbability(), 1e-6);
            assertEquals(List.of("dog"), d.output("detections.animal", SinksSerdes.routed()).readValuesToList()
                    .stream().map(RoutedDetection::getLabel).toList());
            // tvmonitor's node (display) is not in the small tree: it stays flat, so it matches nothing here
            assertEquals(List.of("aeroplane"), d.output("detections.artifact", SinksSerdes.routed())
                    .readValuesToList().stream().map(RoutedDetection::getLabel).toList());
        }
    }

    @Test
    void cocoLabelsAreRoutedThroughTheBuiltInMap() {
        Path[] t = Fixtures.smallTree(dir);
        SinksConfig c = SinksConfig.of("tree", t[0].toString(), "names", t[1].toString(), "map", "coco",
                "subscribe", "animal,car");
        try (Driver d = new Driver(c, RoutingTopology.buildTopology(c))) {
            d.send(Fixtures.detection("cam1", 1, T0, List.of(Fixtures.flatObject("cat", 15, 0.9f),
                    Fixtures.flatObject("bird", 14, 0.8f), Fixtures.flatObject("car", 2, 0.7f))));
            assertEquals(List.of("cat", "bird"), d.output("detections.animal", SinksSerdes.routed())
                    .readValuesToList().stream().map(RoutedDetection::getLabel).toList());
            List<RoutedDetection> cars = d.output("detections.car", SinksSerdes.routed()).readValuesToList();
            assertEquals(1, cars.size());
            assertEquals("n02958343", cars.get(0).getPath().get(2).getWordnetId(),
                    "COCO car is the motor vehicle (coco9k.map index 3802)");
        }
    }

    @Test
    void aUserMapTakesWordnetIdsIndicesAndUniqueNames() {
        Path[] t = Fixtures.smallTree(dir);
        Path map = Fixtures.write(dir, "mine.map", List.of("# my detector's classes", "doggo = n02084071",
                "kitty = #8  # tabby, by tree index", "plane = airplane", "", "pup=Norfolk terrier"));
        SinksConfig c = SinksConfig.of("tree", t[0].toString(), "names", t[1].toString(), "map", map.toString(),
                "subscribe", "dog,cat,artifact");
        try (Driver d = new Driver(c, RoutingTopology.buildTopology(c))) {
            d.send(Fixtures.detection("cam1", 1, T0, List.of(Fixtures.flatObject("doggo", 0, 0.9f),
                    Fixtures.flatObject("kitty", 1, 0.8f), Fixtures.flatObject("plane", 2, 0.7f),
                    Fixtures.flatObject("pup", 3, 0.6f))));
            assertEquals(List.of("doggo", "pup"), labels(d, "detections.dog"));
            assertEquals(List.of("kitty"), labels(d, "detections.cat"));
            assertEquals(List.of("plane"), labels(d, "detections.artifact"));
        }
    }

    @Test
    void badMapEntriesAreReportedTogetherWithOtherProblems() {
        Path[] t = Fixtures.smallTree(dir);
        Path map = Fixtures.write(dir, "bad.map", List.of("a = car", "b = n99999999", "c = #99", "no separator"));
        ConfigException e = assertThrows(ConfigException.class, () -> SinksConfig.of("tree", t[0].toString(),
                "names", t[1].toString(), "map", map.toString(), "subscribe", "dog,unicorn", "window", "soon"));
        String m = e.getMessage();
        assertTrue(m.contains("'car' names 2 nodes"), m);
        assertTrue(m.contains("found 'n99999999'"), m);
        assertTrue(m.contains("#index in 0..11, found #99"), m);
        assertTrue(m.contains("expected 'label = node', found 'no separator'"), m);
        assertTrue(m.contains("subscribe: expected a WordNet id or node name of tree"), m);
        assertTrue(m.contains("found 'unicorn'"), m);
        assertTrue(m.contains("window: expected a duration"), m);
        assertTrue(m.startsWith("sinks configuration has 6 problems"), m);
    }

    @Test
    void builtInMapsCoverEveryVocAndCocoClassWithWordnetIds() throws IOException {
        assertEquals(20, entries("voc.map").size());
        assertEquals(80, entries("coco.map").size());
        for (String e : entries("voc.map")) {
            assertTrue(e.matches("[a-z]+ = n\\d{8}"), e);
        }
        for (String e : entries("coco.map")) {
            assertTrue(e.matches("[a-z ]+ = n\\d{8}"), e);
        }
    }

    @Test
    void aBuiltInMapOnATreeWithNoneOfItsNodesIsAConfigError() {
        Path tree = Fixtures.write(dir, "other.tree", List.of("x1 -1", "x2 0"));
        ConfigException e = assertThrows(ConfigException.class,
                () -> SinksConfig.of("tree", tree.toString(), "map", "coco"));
        assertTrue(e.getMessage().contains("found none of its 80"), e.getMessage());
        WordTree.read(tree); // the tree itself is fine
    }

    private static List<String> entries(String resource) throws IOException {
        try (InputStream in = ClassMap.class.getResourceAsStream(resource)) {
            List<String> out = new ArrayList<>();
            for (String l : new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList()) {
                String s = l.replaceFirst("\\s+#\\s.*$", "").strip();
                if (!s.isEmpty() && !s.startsWith("#")) {
                    out.add(s);
                }
            }
            return out;
        }
    }

    private static List<String> labels(Driver d, String topic) {
        return d.output(topic, SinksSerdes.routed()).readValuesToList().stream().map(RoutedDetection::getLabel)
                .toList();
    }
}
