package io.yolostream.sinks.hierarchy;

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

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static io.yolostream.sinks.testing.Fixtures.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** With darknet's own 9k.tree / 9k.names when a copy is around (../shared/darknet/data); skipped otherwise. */
class Real9kTreeTest {
    private static Path data() {
        Path d = Stream.of("../shared/darknet/data", "../../shared/darknet/data").map(Path::of)
                .filter(p -> Files.isRegularFile(p.resolve("9k.tree")) && Files.isRegularFile(p.resolve("9k.names")))
                .findFirst().orElse(null);
        Assumptions.assumeTrue(d != null, "no ../shared/darknet/data/9k.tree here");
        return d;
    }

    @Test
    void aNorfolkTerrierGoesToDogAndAnimalAndTheBuiltInMapsResolveFully() {
        Path d = data();
        SinksConfig c = SinksConfig.of("tree", d.resolve("9k.tree").toString(), "names",
                d.resolve("9k.names").toString(), "map", "coco", "subscribe", "dog,animal,n02958343");
        assertEquals(80, c.hierarchy().map().size(), "every COCO class is on the 9k tree");
        WordTree tree = WordTree.read(d.resolve("9k.tree"));
        List<String> names = LabelNames.read(d.resolve("9k.names"));
        int norfolk = names.indexOf("Norfolk terrier");
        try (Driver drv = new Driver(c, RoutingTopology.buildTopology(c))) {
            drv.send(Fixtures.detection("cam1", 1, T0, List.of(Fixtures.treeObject(tree, names, norfolk, 0.5f),
                    Fixtures.flatObject("car", 2, 0.9f))));
            assertEquals(List.of("Norfolk terrier"), labels(drv, "detections.dog"));
            assertEquals(List.of("Norfolk terrier"), labels(drv, "detections.animal"));
            assertEquals(List.of("car"), labels(drv, "detections.car"));
        }
        assertEquals(20, SinksConfig.of("tree", d.resolve("9k.tree").toString(), "names",
                d.resolve("9k.names").toString(), "map", "voc").hierarchy().map().size());
    }

    @Test
    void theReadmeExampleCocoVehiclesUnderMotorVehicle() {
        Path d = data();
        SinksConfig c = SinksConfig.of("tree", d.resolve("9k.tree").toString(), "names",
                d.resolve("9k.names").toString(), "map", "coco", "subscribe", "motor vehicle,animal,person");
        try (Driver drv = new Driver(c, RoutingTopology.buildTopology(c))) {
            drv.send(Fixtures.detection("cam1", 1, T0, List.of(Fixtures.flatObject("car", 2, 0.9f),
                    Fixtures.flatObject("truck", 7, 0.9f), Fixtures.flatObject("motorbike", 3, 0.9f),
                    Fixtures.flatObject("bus", 5, 0.9f), Fixtures.flatObject("horse", 17, 0.9f))));
            assertEquals(List.of("car", "truck", "motorbike"), labels(drv, "detections.motor_vehicle"));
            assertEquals(List.of("horse"), labels(drv, "detections.animal"));
        }
    }

    private static List<String> labels(Driver d, String topic) {
        return d.output(topic, SinksSerdes.routed()).readValuesToList().stream().map(RoutedDetection::getLabel)
                .toList();
    }
}
