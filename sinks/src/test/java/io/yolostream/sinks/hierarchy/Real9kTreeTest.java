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
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

import static io.yolostream.sinks.testing.Fixtures.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** With darknet's own 9k.tree / 9k.names: the copy shipped in yolostream-wordtree (no file of the user's). */
class Real9kTreeTest {
    private static final WordTree TREE = WordTree.shipped9k();
    private static final List<String> NAMES = LabelNames.shipped9k();

    @Test
    void aNorfolkTerrierGoesToDogAndAnimalAndTheBuiltInMapsResolveFully() {
        SinksConfig c = SinksConfig.of("tree", "9k", "map", "coco", "subscribe", "dog,animal,n02958343");
        assertEquals(80, c.hierarchy().map().size(), "every COCO class is on the 9k tree");
        int norfolk = NAMES.indexOf("Norfolk terrier");
        try (Driver drv = new Driver(c, RoutingTopology.buildTopology(c))) {
            drv.send(Fixtures.detection("cam1", 1, T0, List.of(Fixtures.treeObject(TREE, NAMES, norfolk, 0.5f),
                    Fixtures.flatObject("car", 2, 0.9f))));
            assertEquals(List.of("Norfolk terrier"), labels(drv, "detections.dog"));
            assertEquals(List.of("Norfolk terrier"), labels(drv, "detections.animal"));
            assertEquals(List.of("car"), labels(drv, "detections.car"));
        }
        assertEquals(20, SinksConfig.of("map", "voc").hierarchy().map().size());
    }

    @Test
    void theCocoVehiclesUnderMotorVehicle() {
        SinksConfig c = SinksConfig.of("map", "coco", "subscribe", "motor vehicle,animal,person");
        try (Driver drv = new Driver(c, RoutingTopology.buildTopology(c))) {
            drv.send(Fixtures.detection("cam1", 1, T0, List.of(Fixtures.flatObject("car", 2, 0.9f),
                    Fixtures.flatObject("truck", 7, 0.9f), Fixtures.flatObject("motorbike", 3, 0.9f),
                    Fixtures.flatObject("bus", 5, 0.9f), Fixtures.flatObject("horse", 17, 0.9f))));
            assertEquals(List.of("car", "truck", "motorbike"), labels(drv, "detections.motor_vehicle"));
            assertEquals(List.of("horse"), labels(drv, "detections.animal"));
        }
    }

    @Test
    void theVocAnimalsAreBirdCatCowDogHorseSheep() {
        SinksConfig c = SinksConfig.of("map", "voc", "subscribe", "animal");
        List<String> voc = List.of("aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car", "cat", "chair",
                "cow", "diningtable", "dog", "horse", "motorbike", "person", "pottedplant", "sheep", "sofa", "train",
                "tvmonitor");
        try (Driver drv = new Driver(c, RoutingTopology.buildTopology(c))) {
            for (int i = 0; i < voc.size(); i++) {
                drv.send(Fixtures.detection("cam1", i, T0 + i, List.of(Fixtures.flatObject(voc.get(i), i, 0.9f))));
            }
            assertEquals(List.of("bird", "cat", "cow", "dog", "horse", "sheep"), labels(drv, "detections.animal"));
        }
    }

    @Test
    void aTreeFileWithTheSameContentRoutesAsTheShippedOne(@TempDir Path dir) {
        Path tree = Fixtures.write(dir, "9k.tree", IntStream.range(0, TREE.size())
                .mapToObj(i -> TREE.id(i) + " " + TREE.parent(i)).toList());
        Path names = Fixtures.write(dir, "9k.names", NAMES);
        SinksConfig c = SinksConfig.of("tree", tree.toString(), "names", names.toString(), "map", "voc",
                "subscribe", "motor vehicle");
        try (Driver drv = new Driver(c, RoutingTopology.buildTopology(c))) {
            drv.send(Fixtures.detection("cam1", 1, T0, List.of(Fixtures.flatObject("car", 6, 0.9f),
                    Fixtures.flatObject("motorbike", 13, 0.9f), Fixtures.flatObject("bus", 5, 0.9f))));
            assertEquals(List.of("car", "motorbike"), labels(drv, "detections.motor_vehicle"),
                    "9k's WordNet puts bus under public transport, not motor vehicle");
        }
    }

    @Test
    void anUnknownSubscriptionListsTheClosestNodeNames() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> SinksConfig.of("map", "voc", "subscribe", "aminal,motor_vehicle,tvmonitor,n99999999"));
        String m = e.getMessage();
        assertTrue(m.contains("found 'aminal'; close names: animal"), m);
        assertTrue(m.contains("found 'motor_vehicle'; close names: motor vehicle"), m);
        assertTrue(m.contains("found 'tvmonitor': a class of the model, placed by built-in map voc at node "
                + "'display' (n03211117): subscribe to that"), m);
        assertTrue(m.contains("found 'n99999999' (no node has that WordNet id)"), m);
        assertTrue(m.startsWith("sinks configuration has 4 problems"), m);
    }

    private static List<String> labels(Driver d, String topic) {
        return d.output(topic, SinksSerdes.routed()).readValuesToList().stream().map(RoutedDetection::getLabel)
                .toList();
    }
}
