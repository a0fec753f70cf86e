package io.yolostream.sinks.hierarchy;

import io.yolostream.config.ConfigException;
import io.yolostream.sinks.avro.RoutedDetection;
import io.yolostream.sinks.common.SinksSerdes;
import io.yolostream.sinks.config.SinksConfig;
import io.yolostream.sinks.routing.RoutingTopology;
import io.yolostream.sinks.testing.Driver;
import io.yolostream.sinks.testing.Fixtures;
import io.yolostream.wordtree.LabelNames;
import io.yolostream.wordtree.WordTree;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import static io.yolostream.sinks.testing.Fixtures.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which tree and map the sinks route on: the one routing tree, map auto (the model's names), map none. */
class HierarchyChoiceTest {
    static final List<String> VOC = List.of("aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car", "cat",
            "chair", "cow", "diningtable", "dog", "horse", "motorbike", "person", "pottedplant", "sheep", "sofa",
            "train", "tvmonitor");
    static final List<String> COCO = List.of("person", "bicycle", "car", "motorbike", "aeroplane", "bus", "train",
            "truck", "boat", "traffic light", "fire hydrant", "stop sign", "parking meter", "bench", "bird", "cat",
            "dog", "horse", "sheep", "cow", "elephant", "bear", "zebra", "giraffe", "backpack", "umbrella", "handbag",
            "tie", "suitcase", "frisbee", "skis", "snowboard", "sports ball", "kite", "baseball bat", "baseball glove",
            "skateboard", "surfboard", "tennis racket", "bottle", "wine glass", "cup", "fork", "knife", "spoon",
            "bowl", "banana", "apple", "sandwich", "orange", "broccoli", "carrot", "hot dog", "pizza", "donut",
            "cake", "chair", "sofa", "pottedplant", "bed", "diningtable", "toilet", "tvmonitor", "laptop", "mouse",
            "remote", "keyboard", "cell phone", "microwave", "oven", "toaster", "sink", "refrigerator", "book",
            "clock", "vase", "scissors", "teddy bear", "hair drier", "toothbrush");

    @TempDir
    Path dir;

    private static SinksConfig config(ModelClasses model, String... flags) {
        Map<String, String> f = new java.util.LinkedHashMap<>();
        for (int i = 0; i + 1 < flags.length; i += 2) {
            f.put(flags[i], flags[i + 1]);
        }
        return SinksConfig.resolve(new Properties(), Map.of(), f, model);
    }

    @Test
    void theBuiltInMapIsChosenByTheModelsClassNamesInAnyOrderAndSpelling() {
        assertEquals(Optional.of("voc"), ClassMap.builtInFor(VOC));
        assertEquals(Optional.of("coco"), ClassMap.builtInFor(COCO));
        List<String> shuffled = new ArrayList<>(COCO);
        Collections.shuffle(shuffled, new java.util.Random(7));
        shuffled.replaceAll(n -> n.replace(' ', '_').toUpperCase(java.util.Locale.ROOT));
        assertEquals(Optional.of("coco"), ClassMap.builtInFor(shuffled), "order, case and _ do not matter");
        assertEquals(Optional.empty(), ClassMap.builtInFor(VOC.subList(0, 19)), "a subset is another model");
        assertEquals(Optional.empty(), ClassMap.builtInFor(List.of("car", "dog", "person")));
        List<String> renamed = new ArrayList<>(VOC);
        renamed.set(0, "airplane");
        assertEquals(Optional.empty(), ClassMap.builtInFor(renamed), "a renamed class: no built-in fits");
        List<String> doubled = new ArrayList<>(VOC);
        doubled.set(1, "aeroplane");
        assertEquals(Optional.empty(), ClassMap.builtInFor(doubled));
    }

    @Test
    void mapAutoPicksVocForAVocModelAndSaysSo() {
        SinksConfig c = config(new ModelClasses("yolov2-tiny-voc", VOC, null), "subscribe", "animal,dog,person");
        Hierarchy h = c.hierarchy();
        assertEquals("built-in map voc", h.map().source());
        assertEquals("WordTree 9k.tree (shipped) (9418 nodes), built-in map voc (20 classes; map auto: chosen from "
                + "the model's 20 class names)", h.describe());
        try (Driver d = new Driver(c, RoutingTopology.buildTopology(c))) {
            d.send(Fixtures.detection("cam1", 1, T0, List.of(Fixtures.flatObject("sheep", 16, 0.9f),
                    Fixtures.flatObject("dog", 11, 0.8f), Fixtures.flatObject("tvmonitor", 19, 0.7f))));
            assertEquals(List.of("sheep", "dog"), labels(d, "detections.animal"));
            assertEquals(List.of("dog"), labels(d, "detections.dog"));
            assertTrue(labels(d, "detections.person").isEmpty());
        }
    }

    @Test
    void mapAutoPicksCocoForACocoModel() {
        SinksConfig c = config(new ModelClasses("yolov2", COCO, null), "subscribe", "motor vehicle");
        assertEquals("built-in map coco", c.hierarchy().map().source());
        assertEquals(80, c.hierarchy().map().size());
    }

    @Test
    void mapAutoLeavesOtherFlatModelsFlatAndChecksTheirSubscriptionsAgainstTheirClasses() {
        ModelClasses face = new ModelClasses("face-tiny", List.of("face"), null);
        SinksConfig c = config(face, "subscribe", "face");
        assertFalse(c.hierarchy().hasTree());
        assertNull(c.hierarchy().map());
        assertTrue(c.hierarchy().describe().contains("no built-in map fits the 1 classes of face-tiny"),
                c.hierarchy().describe());
        ConfigException e = assertThrows(ConfigException.class, () -> config(face, "subscribe", "faces,animal"));
        assertTrue(e.getMessage().contains("expected one of the model's classes (a flat model without a map: its "
                + "paths are its labels), found 'faces'; close names: face"), e.getMessage());
        assertTrue(e.getMessage().contains("found 'animal'; to place its classes"), e.getMessage());
    }

    @Test
    void mapNoneKeepsAVocModelFlat() {
        SinksConfig c = config(new ModelClasses("yolov2-voc", VOC, null), "map", "none", "subscribe",
                "tvmonitor,dog");
        assertFalse(c.hierarchy().hasTree());
        try (Driver d = new Driver(c, RoutingTopology.buildTopology(c))) {
            d.send(Fixtures.detection("cam1", 1, T0, List.of(Fixtures.flatObject("tvmonitor", 19, 0.7f))));
            assertEquals(List.of("tvmonitor"), labels(d, "detections.tvmonitor"));
        }
    }

    @Test
    void theStandaloneSinksWithoutAMapStayFlatAsBefore() {
        SinksConfig c = SinksConfig.of("subscribe", "person,dog");
        assertFalse(c.hierarchy().hasTree());
        assertTrue(c.hierarchy().describe().contains("map auto: the model is not known here"),
                c.hierarchy().describe());
    }

    @Test
    void aYolo9000ModelRoutesOnItsOwnTreeWithoutAnyFile() {
        WordTree t = WordTree.shipped9k();
        List<String> names = LabelNames.shipped9k();
        SinksConfig c = config(new ModelClasses("yolo9000", names, t), "subscribe", "dog,animal,n02084071");
        assertEquals("yolo9000's own tree", c.hierarchy().source());
        assertNull(c.hierarchy().map());
        int norfolk = names.indexOf("Norfolk terrier");
        try (Driver d = new Driver(c, RoutingTopology.buildTopology(c))) {
            d.send(Fixtures.detection("cam1", 1, T0, List.of(Fixtures.treeObject(t, names, norfolk, 0.6f))));
            List<RoutedDetection> dogs = d.output("detections.dog", SinksSerdes.routed()).readValuesToList();
            assertEquals(1, dogs.size());
            assertEquals("Norfolk terrier", dogs.get(0).getLabel());
            assertTrue(dogs.get(0).getPath().stream().anyMatch(n -> "n02084071".equals(n.getWordnetId())),
                    "the path carries WordNet ids from the model's tree");
            assertEquals(List.of("Norfolk terrier"), labels(d, "detections.animal"));
        }
        assertEquals(2, c.subscriptions().size(), "dog by name and by WordNet id: the same node, once");
    }

    @Test
    void aMapTreeOfTheUsersOwn() {
        Path[] t = Fixtures.smallTree(dir);
        SinksConfig c = SinksConfig.of("map", "voc", "map-tree", t[0].toString(), "map-names", t[1].toString(),
                "subscribe", "animal");
        assertEquals(12, c.hierarchy().size());
        try (Driver d = new Driver(c, RoutingTopology.buildTopology(c))) {
            d.send(Fixtures.detection("cam1", 1, T0, List.of(Fixtures.flatObject("cat", 7, 0.9f))));
            assertEquals(List.of("cat"), labels(d, "detections.animal"));
        }
        ConfigException both = assertThrows(ConfigException.class, () -> SinksConfig.of("map", "voc", "tree", "9k",
                "map-tree", t[0].toString()));
        assertTrue(both.getMessage().contains("map-tree: the sinks route on one tree"), both.getMessage());
        ConfigException missing = assertThrows(ConfigException.class, () -> SinksConfig.of("map", "coco",
                "map-tree", dir.resolve("none.tree").toString()));
        assertTrue(missing.getMessage().contains("map-tree: expected a WordTree file"), missing.getMessage());
    }

    private static List<String> labels(Driver d, String topic) {
        return d.output(topic, SinksSerdes.routed()).readValuesToList().stream().map(RoutedDetection::getLabel)
                .toList();
    }
}
