package io.yolostream.deploy.run;

import io.yolostream.deploy.cli.YolostreamCommand;
import io.yolostream.detector.avro.DetectedObject;
import io.yolostream.detector.avro.Detection;
import io.yolostream.ingest.source.TestVideos;
import io.yolostream.kafka.embedded.EmbeddedKafka;
import io.yolostream.schema.AvroTrust;
import io.yolostream.sinks.avro.RoutedDetection;
import io.yolostream.sinks.avro.RoutedPathNode;
import io.yolostream.sinks.common.SinksSerdes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 18 through the all-in-one: {@code yolostream replay} of a generated clip with a random-weight model that has
 * VOC's 20 classes (converted to ONNX: the class names come from its metadata) at a low threshold, and
 * {@code --subscribe animal,dog,person,"motor vehicle"} with no {@code --map} and no tree file. The map is chosen
 * from the model's names (voc) and the 9k tree is the shipped one; afterwards each hierarchy topic holds exactly one
 * record per object of the VOC classes under that node (read_committed): animal = bird + cat + cow + dog + horse +
 * sheep, dog = dog, person = person, motor vehicle = car + motorbike (9k's WordNet puts bus under public transport).
 */
class HierarchyReplayIT {
    /** Subscription → (topic, WordNet id, the VOC labels under it in the 9k tree by the built-in voc map). */
    record Node(String topic, String wordnetId, Set<String> labels) {
    }

    static final Map<String, Node> NODES = new LinkedHashMap<>();

    static {
        NODES.put("animal", new Node("detections.animal", "n00015388",
                Set.of("bird", "cat", "cow", "dog", "horse", "sheep")));
        NODES.put("dog", new Node("detections.dog", "n02084071", Set.of("dog")));
        NODES.put("person", new Node("detections.person", "n00007846", Set.of("person")));
        NODES.put("motor vehicle", new Node("detections.motor_vehicle", "n03791235", Set.of("car", "motorbike")));
    }

    @Test
    void aVocModelsObjectsAreRoutedToEveryWordTreeNodeAboveThemWithNoMapAndNoTreeFile(@TempDir Path dir)
            throws Exception {
        Path clip = TestVideos.record(dir.resolve("street.mp4"), 160, 120, 25, 40, 300_000);
        AllInOneKit.Model voc = AllInOneKit.model(dir.resolve("model"), "yolov2-tiny-voc", AllInOneKit.VOC);
        Path onnx = dir.resolve("model").resolve("yolov2-tiny-voc.onnx");
        Cli convert = Cli.run("convert", "--cfg", voc.cfg().toString(), "--weights", voc.weights().toString(),
                "--names", voc.names().toString(), "--out", onnx.toString());
        assertEquals(0, convert.rc, convert::toString);

        Path data = dir.resolve("data");
        Cli replay = Cli.run("replay", clip.toString(), "--data-dir", data.toString(), "--fps", "0",
                "--model", onnx.toString(), "--thresh", "0.01", "--subscribe", "animal,dog,person,motor vehicle",
                "--out", dir.resolve("street.jsonl").toString());
        assertEquals(0, replay.rc, replay::toString);
        String console = replay.out;
        System.out.println(console);
        assertTrue(console.contains("  hierarchy    WordTree 9k.tree (shipped) (9418 nodes), built-in map voc (20 "
                + "classes; map auto: chosen from the model's 20 class names)"), console);
        assertTrue(!console.contains("had not caught up"), console);
        String session = console.replaceFirst("(?s).*replayed camera street \\(session ([^)]+)\\).*", "$1");

        try (EmbeddedKafka broker = new EmbeddedKafka(data.resolve("kafka"), 0, Map.of())) {
            String bootstrap = broker.bootstrapServers();
            List<Detection> detections = AllInOneKit.readCommitted(bootstrap, "detections").stream()
                    .map(r -> io.yolostream.detector.schema.DetectionCodec.decode(r.value()))
                    .filter(d -> d.getSessionId().equals(session)).toList();
            assertEquals(40, detections.size(), "one detection record per frame of the clip");
            Map<String, Long> perLabel = new LinkedHashMap<>();
            detections.forEach(d -> d.getObjects().forEach(o -> perLabel.merge(o.getLabel(), 1L, Long::sum)));
            System.out.println("objects per label: " + perLabel);

            AvroTrust.trustPackageOf(RoutedDetection.class);
            var decoder = SinksSerdes.routed().deserializer();
            List<String> summary = new ArrayList<>();
            for (Map.Entry<String, Node> e : NODES.entrySet()) {
                Node node = e.getValue();
                // the objects the node must get: (sequence, object index) of each object whose label is under it
                Set<String> expected = new TreeSet<>();
                for (Detection d : detections) {
                    List<DetectedObject> objects = d.getObjects();
                    for (int i = 0; i < objects.size(); i++) {
                        if (node.labels().contains(objects.get(i).getLabel())) {
                            expected.add(d.getSequence() + "/" + i);
                        }
                    }
                }
                Set<String> routed = new TreeSet<>();
                List<RoutedDetection> records = AllInOneKit.readCommitted(bootstrap, node.topic()).stream()
                        .map(r -> decoder.deserialize(node.topic(), r.value()))
                        .filter(r -> r.getSessionId().equals(session)).toList();
                for (RoutedDetection r : records) {
                    assertTrue(routed.add(r.getSequence() + "/" + r.getObjectIndex()), "routed once: " + r);
                    assertEquals(e.getKey(), r.getNode().getName());
                    assertEquals(node.wordnetId(), r.getNode().getWordnetId());
                    assertTrue(r.getPath().stream().map(RoutedPathNode::getWordnetId)
                            .anyMatch(node.wordnetId()::equals), "the path passes through the node: " + r.getPath());
                    assertEquals("object", r.getPath().get(0).getName(), "paths start at the root of 9k");
                }
                assertEquals(expected, routed, node.topic() + " = the objects labelled " + node.labels());
                long sum = node.labels().stream().mapToLong(l -> perLabel.getOrDefault(l, 0L)).sum();
                assertEquals(sum, records.size(), node.topic() + " = sum of " + node.labels());
                summary.add(node.topic() + " " + records.size());
            }
            assertTrue(console.contains("  routed       " + String.join(", ", summary)), summary + "\n" + console);
            long animals = NODES.get("animal").labels().stream().mapToLong(l -> perLabel.getOrDefault(l, 0L)).sum();
            assertTrue(animals > 0, "the random model at 0.01 finds animals: " + perLabel);
        }
    }

    @Test
    void theIssuesMixUpsOfTheModelsTreeAndTheRoutingTreeSayWhatToDo(@TempDir Path dir) throws Exception {
        AllInOneKit.Model voc = AllInOneKit.model(dir.resolve("model"), "yolov2-tiny-voc", AllInOneKit.VOC);
        Path clip = TestVideos.record(dir.resolve("clip.mp4"), 160, 120, 25, 3, 300_000);
        Path tree = java.nio.file.Files.writeString(dir.resolve("9k.tree"), "n00001740 -1\n");
        List<String> cfg = List.of("--cfg", voc.cfg().toString(), "--weights", voc.weights().toString(),
                "--names", voc.names().toString());

        // a flat cfg with --tree: refused before anything starts, saying where the routing tree goes
        Cli flatTree = Cli.run(concat(List.of("replay", clip.toString(), "--data-dir", dir.resolve("d1").toString()),
                cfg, List.of("--tree", tree.toString(), "--map", "voc", "--subscribe", "animal")));
        assertEquals(2, flatTree.rc, flatTree::toString);
        assertTrue(flatTree.err.contains("error: --tree " + tree + ": expected a YOLO9000 model (a cfg whose "
                + "[region] has tree=), found " + voc.cfg() + ", a flat model: --tree and --names are the model's "
                + "own; the sinks place a flat model's classes on the shipped YOLO9000 9k tree with --map "
                + "voc|coco|FILE"), flatTree.err);

        // an .onnx with --tree: the same
        Path onnx = dir.resolve("model").resolve("voc.onnx");
        assertEquals(0, Cli.run(concat(List.of("convert"), cfg, List.of("--out", onnx.toString()))).rc);
        Cli onnxTree = Cli.run("replay", clip.toString(), "--data-dir", dir.resolve("d2").toString(), "--model",
                onnx.toString(), "--tree", tree.toString(), "--map", "voc", "--subscribe", "animal");
        assertEquals(2, onnxTree.rc, onnxTree::toString);
        assertTrue(onnxTree.err.contains("expected a YOLO9000 darknet .cfg model (--tree is its WordTree), found "
                + "the ONNX model " + onnx), onnxTree.err);

        // the tree's names as the model's names: the model says how many it has
        Path nineKNames = java.nio.file.Files.write(dir.resolve("9k.names"),
                io.yolostream.wordtree.LabelNames.shipped9k());
        Cli names = Cli.run("replay", clip.toString(), "--data-dir", dir.resolve("d3").toString(), "--model",
                onnx.toString(), "--names", nineKNames.toString(), "--map", "voc", "--subscribe", "animal");
        assertEquals(2, names.rc, names::toString);
        assertTrue(names.err.contains("expected one per class of the model (20), found 9418"), names.err);

        // an unknown node: the close names
        Cli typo = Cli.run(concat(List.of("replay", clip.toString(), "--data-dir", dir.resolve("d4").toString()),
                cfg, List.of("--subscribe", "aminal,motor_vehicle")));
        assertEquals(2, typo.rc, typo::toString);
        assertTrue(typo.err.contains("found 'aminal'; close names: animal"), typo.err);
        assertTrue(typo.err.contains("found 'motor_vehicle'; close names: motor vehicle"), typo.err);
    }

    private static List<String> concat(List<String> a, List<String> b, List<String> c) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        all.addAll(c);
        return all;
    }

    /** {@code yolostream ARGS} in this JVM: exit code, stdout, stderr. */
    record Cli(int rc, String out, String err) {
        static Cli run(String... args) {
            return run(List.of(args));
        }

        static Cli run(List<String> args) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            CommandLine cl = YolostreamCommand.commandLine();
            cl.setOut(new PrintWriter(out, true));
            cl.setErr(new PrintWriter(err, true));
            int rc = cl.execute(args.toArray(String[]::new));
            return new Cli(rc, out.toString(), err.toString());
        }

        @Override
        public String toString() {
            return "exit " + rc + "\n" + out + "\n" + err;
        }
    }
}
