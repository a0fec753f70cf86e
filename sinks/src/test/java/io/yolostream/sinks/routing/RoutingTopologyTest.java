package io.yolostream.sinks.routing;

import io.yolostream.detector.avro.DetectionStatus;
import io.yolostream.sinks.avro.RoutedDetection;
import io.yolostream.sinks.avro.RoutedPathNode;
import io.yolostream.sinks.common.SinksSerdes;
import io.yolostream.sinks.config.SinksConfig;
import io.yolostream.sinks.hierarchy.Subscription;
import io.yolostream.sinks.testing.Driver;
import io.yolostream.sinks.testing.Fixtures;
import io.yolostream.wordtree.LabelNames;
import io.yolostream.wordtree.WordTree;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static io.yolostream.sinks.testing.Fixtures.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RoutingTopologyTest {
    @TempDir
    Path dir;

    private static WordTree small() {
        return WordTree.parse(Fixtures.SMALL_TREE, "small");
    }

    @Test
    void anObjectGoesToEverySubscribedNodeOnItsPathAtEachLevel() {
        Path[] t = Fixtures.smallTree(dir);
        SinksConfig c = SinksConfig.of("tree", t[0].toString(), "names", t[1].toString(),
                "subscribe", "dog, animal,n02121620,Norfolk terrier,object");
        assertEquals(List.of("detections.dog", "detections.animal", "detections.cat", "detections.norfolk_terrier",
                "detections.object"), c.subscriptions().stream().map(Subscription::topic).toList());
        try (Driver d = new Driver(c, RoutingTopology.buildTopology(c))) {
            d.send(Fixtures.detection("cam1", 1, T0, List.of(
                    Fixtures.treeObject(small(), Fixtures.SMALL_NAMES, Fixtures.NORFOLK, 0.6f),  // leaf, depth 3
                    Fixtures.treeObject(small(), Fixtures.SMALL_NAMES, 3, 0.5f),                // dog itself, depth 2
                    Fixtures.treeObject(small(), Fixtures.SMALL_NAMES, Fixtures.TABBY, 0.4f),   // cat branch
                    Fixtures.treeObject(small(), Fixtures.SMALL_NAMES, Fixtures.CAR, 0.3f))));  // artifact branch

            List<TestRecord<String, RoutedDetection>> dog = d.output("detections.dog", SinksSerdes.routed())
                    .readRecordsToList();
            assertEquals(List.of("Norfolk terrier", "dog"), dog.stream().map(r -> r.value().getLabel()).toList(),
                    "a consumer of detections.dog sees every breed and plain dogs");
            RoutedDetection first = dog.get(0).value();
            assertEquals("cam1", dog.get(0).key());
            assertEquals(T0, dog.get(0).timestamp(), "record timestamp = capture time");
            assertEquals(1, first.getSequence());
            assertEquals("test@00000000", first.getModelId());
            assertEquals("n02084071", first.getNode().getWordnetId());
            assertEquals(List.of("object", "animal", "dog", "Norfolk terrier"),
                    first.getPath().stream().map(RoutedPathNode::getName).toList());
            assertEquals("n02094114", first.getPath().get(3).getWordnetId());
            assertEquals(6, first.getPath().get(3).getLabelId());

            assertEquals(List.of("Norfolk terrier", "dog", "tabby"), labels(d, "detections.animal"));
            assertEquals(List.of("tabby"), labels(d, "detections.cat"));
            assertEquals(List.of("Norfolk terrier"), labels(d, "detections.norfolk_terrier"));
            assertEquals(List.of("Norfolk terrier", "dog", "tabby", "car"), labels(d, "detections.object"));
        }
    }

    @Test
    void framesThatAreNotOkAreNotRouted() {
        Path[] t = Fixtures.smallTree(dir);
        SinksConfig c = SinksConfig.of("tree", t[0].toString(), "names", t[1].toString(), "subscribe", "object");
        try (Driver d = new Driver(c, RoutingTopology.buildTopology(c))) {
            d.send(Fixtures.detection("cam1", 1, T0, DetectionStatus.ERROR, "bad jpeg",
                    List.of(Fixtures.treeObject(small(), Fixtures.SMALL_NAMES, 3, 0.5f))));
            d.send(Fixtures.detection("cam1", 2, T0, DetectionStatus.SKIPPED_STALE, "too old", List.of()));
            assertTrue(d.output("detections.object", SinksSerdes.routed()).isEmpty());
        }
    }

    @Test
    void anAmbiguousNameSubscribesEverySenseAndAWordnetIdOneSenseOnItsOwnTopic() {
        Path[] t = Fixtures.smallTree(dir);
        SinksConfig c = SinksConfig.of("tree", t[0].toString(), "names", t[1].toString(),
                "subscribe", "car,n02958343");
        assertEquals(List.of("detections.car", "detections.car.n02958343"),
                c.subscriptions().stream().map(Subscription::topic).toList());
        try (Driver d = new Driver(c, RoutingTopology.buildTopology(c))) {
            d.send(Fixtures.detection("cam1", 1, T0, List.of(
                    Fixtures.treeObject(small(), Fixtures.SMALL_NAMES, 9, 0.5f),
                    Fixtures.treeObject(small(), Fixtures.SMALL_NAMES, 11, 0.5f))));
            assertEquals(List.of(9, 11), d.output("detections.car", SinksSerdes.routed()).readValuesToList()
                    .stream().map(RoutedDetection::getLabelId).toList());
            assertEquals(List.of(9), d.output("detections.car.n02958343", SinksSerdes.routed())
                    .readValuesToList().stream().map(RoutedDetection::getLabelId).toList());
        }
    }

    @Test
    void aGeneratedTreeInThe9kFormatRoutesAtEveryLevelOfADeepPath() {
        Path[] t = Fixtures.generatedTree(dir, 9418, 42);
        WordTree tree = WordTree.read(t[0]);
        List<String> names = io.yolostream.wordtree.LabelNames.read(t[1]);
        assertEquals(9418, tree.size());
        int deepest = 0;
        for (int i = 0; i < tree.size(); i++) {
            if (tree.pathTo(i).length > tree.pathTo(deepest).length) {
                deepest = i;
            }
        }
        int[] path = tree.pathTo(deepest);
        assertTrue(path.length >= 5, "generated tree depth " + path.length);
        // subscribe to the root, a middle node (by WordNet id) and the leaf's parent (by name), plus an unrelated leaf
        int unrelated = tree.size() - 1 == deepest ? tree.size() - 2 : tree.size() - 1;
        String middle = tree.id(path[path.length / 2]);
        SinksConfig c = SinksConfig.of("tree", t[0].toString(), "names", t[1].toString(), "subscribe",
                names.get(path[0]) + "," + middle + "," + names.get(path[path.length - 2]) + ","
                        + names.get(unrelated));
        try (Driver d = new Driver(c, RoutingTopology.buildTopology(c))) {
            d.send(Fixtures.detection("cam9", 7, T0, List.of(Fixtures.treeObject(tree, names, deepest, 0.5f))));
            for (Subscription s : c.subscriptions()) {
                List<RoutedDetection> got = d.output(s.topic(), SinksSerdes.routed()).readValuesToList();
                boolean onPath = s.nodes().stream().anyMatch(n -> java.util.Arrays.stream(path).anyMatch(p -> p == n));
                assertEquals(onPath ? 1 : 0, got.size(), s.topic());
                if (onPath) {
                    assertEquals(path.length, got.get(0).getPath().size());
                    assertEquals(tree.id(deepest), got.get(0).getPath().get(path.length - 1).getWordnetId());
                }
            }
            assertEquals(4, c.subscriptions().size());
        }
    }

    @Test
    void aFlatModelWithoutATreeKeepsAOneLevelPathAndMatchesLabels() {
        SinksConfig c = SinksConfig.of("subscribe", "dog,person");
        try (Driver d = new Driver(c, RoutingTopology.buildTopology(c))) {
            d.send(Fixtures.detection("cam1", 1, T0, List.of(Fixtures.flatObject("dog", 11, 0.9f),
                    Fixtures.flatObject("cat", 7, 0.9f), Fixtures.flatObject("Person", 14, 0.8f))));
            List<RoutedDetection> dogs = d.output("detections.dog", SinksSerdes.routed()).readValuesToList();
            assertEquals(1, dogs.size());
            assertEquals(1, dogs.get(0).getPath().size());
            assertEquals(-1, dogs.get(0).getPath().get(0).getLabelId());
            assertNull(dogs.get(0).getPath().get(0).getWordnetId());
            assertEquals(List.of("Person"), labels(d, "detections.person"), "names match ignoring case");
        }
    }

    private static List<String> labels(Driver d, String topic) {
        return d.output(topic, SinksSerdes.routed()).readValuesToList().stream().map(RoutedDetection::getLabel)
                .toList();
    }
}
