package io.yolostream.deploy.run;

import io.yolostream.deploy.cli.YolostreamCommand;
import io.yolostream.detector.avro.DetectedObject;
import io.yolostream.detector.avro.Detection;
import io.yolostream.detector.avro.DetectionStatus;
import io.yolostream.detector.avro.FrameSource;
import io.yolostream.detector.avro.PathNode;
import io.yolostream.detector.avro.Timings;
import io.yolostream.detector.darknet.DarknetCfg;
import io.yolostream.detector.darknet.DarknetConverter;
import io.yolostream.detector.darknet.DarknetNetwork;
import io.yolostream.detector.darknet.RandomWeights;
import io.yolostream.detector.schema.DetectionCodec;
import io.yolostream.ingest.source.TestVideos;
import io.yolostream.kafka.embedded.EmbeddedKafka;
import io.yolostream.schema.AvroTrust;
import io.yolostream.sinks.avro.RoutedDetection;
import io.yolostream.sinks.common.SinksSerdes;
import io.yolostream.wordtree.LabelNames;
import io.yolostream.wordtree.WordTree;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every {@code yolostream} command of docs/hierarchy.md, taken from the file and run verbatim in a child JVM (the
 * launcher's {@code java -Xss16m -cp ... YolostreamCommand}), in a working directory holding the files the command
 * names and with {@code YOLOSTREAM_HOME} set to a directory of its own. The only words added are the sandbox's:
 * {@code run} gets {@code --port-base 0} (its HTTP ports are 8081..8083 by default) and is stopped with SIGTERM once
 * the sinks have consumed some detections; {@code sinks} gets {@code --bootstrap-servers} (a broker of the test,
 * shared by the sinks examples), {@code --application-id}, {@code --http-port 0} and {@code --state-dir}. A command of the page without a check here fails the test, as does
 * a check whose command left the page.
 *
 * <p>The models are stand-ins, generated here: the darknet heads of the real ones on a one-layer backbone (64x64
 * nominal input, stride 32), seeded random weights. {@code yolov2-voc} is VOC's 20-class head, cached in
 * {@code $YOLOSTREAM_HOME/models} as if pulled, its last layer scaled so that random outputs are confident at the
 * default threshold; {@code yolo9000.cfg} is YOLO9000's head (9418 classes, 3 anchors, {@code tree=data/9k.tree},
 * which is not there: the shipped tree is used) whose last-layer biases steer anchor 0 to a Norfolk terrier, 1 to a
 * tabby and 2 to a car, so the hierarchical decoder walks the real 9k tree to them. Each hierarchy topic is checked
 * against the detections: exactly one record per object under its node (read_committed), and not empty.
 */
class HierarchyDocsIT {
    static final Path DOC = Path.of("..", "docs", "hierarchy.md");
    static final Duration WAIT = Duration.ofMinutes(5);
    static final Set<String> VOC_ANIMALS = Set.of("bird", "cat", "cow", "dog", "horse", "sheep");
    static final List<String> VOC = AllInOneKit.VOC;

    static final String QUICK_START = "yolostream run --model yolov2-voc --subscribe animal,person";
    static final String REPLAY_VOC = "yolostream replay parking.mp4 --cfg yolov2-tiny-voc.cfg --weights "
            + "yolov2-tiny-voc.weights --names voc.names --map voc --subscribe animal,\"motor vehicle\"";
    static final String SINKS_COCO = "yolostream sinks --map coco --subscribe \"motor vehicle\",animal,person";
    static final String SINKS_OWN_MAP = "yolostream sinks --map my.map --subscribe dog,cat";
    static final String SINKS_FLAT = "yolostream sinks --subscribe person,dog";
    static final String REPLAY_9K = "yolostream replay parking.mp4 --model yolo9000.cfg --weights yolo9000.weights "
            + "--subscribe dog,animal";
    static final String SINKS_9K = "yolostream sinks --tree 9k --subscribe dog,animal,n02958343";
    static final String SINKS_TYPO = "yolostream sinks --map voc --subscribe aminal,tvmonitor";

    @TempDir
    static Path root;

    /** The fenced blocks of the page in order: language and text. */
    record Block(String lang, String text) {
    }

    static List<Block> blocks() throws IOException {
        List<Block> out = new ArrayList<>();
        String lang = null;
        StringBuilder text = new StringBuilder();
        for (String line : Files.readAllLines(DOC)) {
            if (line.startsWith("```")) {
                if (lang == null) {
                    lang = line.substring(3).strip();
                    text.setLength(0);
                } else {
                    out.add(new Block(lang, text.toString()));
                    lang = null;
                }
            } else if (lang != null) {
                text.append(line).append('\n');
            }
        }
        return out;
    }

    /** The page's commands: lines of sh blocks starting with "yolostream ", continuation lines joined. */
    static List<String> commands() throws IOException {
        List<String> out = new ArrayList<>();
        for (Block b : blocks()) {
            if (b.lang().equals("sh")) {
                String joined = b.text().replace("\\\n", " ");
                joined.lines().map(String::strip).filter(l -> l.startsWith("yolostream ")).forEach(out::add);
            }
        }
        return out;
    }

    /** The text block right after the sh block that holds {@code command}, or null. */
    static String outputShown(String command) throws IOException {
        List<Block> b = blocks();
        for (int i = 0; i + 1 < b.size(); i++) {
            if (b.get(i).lang().equals("sh") && b.get(i).text().contains(command) && b.get(i + 1).lang().equals("text")) {
                return b.get(i + 1).text();
            }
        }
        return null;
    }

    /** Shell words: whitespace separates, double quotes group (and are removed). */
    static List<String> words(String command) {
        List<String> out = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (char c : command.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
                any = true;
            } else if (Character.isWhitespace(c) && !quoted) {
                if (any) {
                    out.add(w.toString());
                    w.setLength(0);
                    any = false;
                }
            } else {
                w.append(c);
                any = true;
            }
        }
        if (any) {
            out.add(w.toString());
        }
        return out;
    }

    @FunctionalInterface
    interface Check {
        void run(List<String> args) throws Exception;
    }

    private final Map<String, Check> checks = new LinkedHashMap<>();

    {
        checks.put(QUICK_START, this::quickStart);
        checks.put(REPLAY_VOC, this::replayVoc);
        checks.put(SINKS_COCO, this::sinksCoco);
        checks.put(SINKS_OWN_MAP, this::sinksOwnMap);
        checks.put(SINKS_FLAT, this::sinksFlat);
        checks.put(REPLAY_9K, this::replay9k);
        checks.put(SINKS_9K, this::sinks9k);
        checks.put(SINKS_TYPO, this::sinksTypo);
    }

    @Test
    void everyCommandOfThePageHasItsCheckAndEveryCheckItsCommand() throws IOException {
        assertEquals(new TreeSet<>(checks.keySet()), new TreeSet<>(commands()),
                "the yolostream commands of " + DOC + " vs the checks of this test");
    }

    @TestFactory
    Stream<DynamicTest> theCommandsOfThePageRunVerbatim() throws IOException {
        return commands().stream().filter(checks::containsKey).map(c -> DynamicTest.dynamicTest(c, () -> {
            List<String> w = words(c);
            checks.get(c).run(w.subList(1, w.size()));
        }));
    }

    // ---- the checks ------------------------------------------------------------------------------------------

    private void quickStart(List<String> args) throws Exception {
        Path home = home("quick-start");
        cacheAsPulled(home, "yolov2-voc");
        List<String> sandboxed = new ArrayList<>(args);
        sandboxed.addAll(List.of("--port-base", "0"));
        Child run = Child.start(home, work(), sandboxed);
        try {
            Path ports = home.resolve("run/kafka/embedded-broker.properties");
            run.await("the embedded broker", () -> Files.exists(ports));
            String bootstrap = "localhost:" + brokerPort(ports);
            // cold-start frames may be skipped as stale while the model loads: wait for routed records
            run.await("the sinks to route objects", () -> committedRecords(bootstrap,
                    List.of("detections.animal", "detections.person")) > 0);
        } finally {
            run.stop();
        }
        shownOutputAppears(QUICK_START, run.log());
        Map<String, Long> routed = allInOneRouted(home, null, Map.of(
                "detections.animal", o -> VOC_ANIMALS.contains(o.getLabel()),
                "detections.person", o -> o.getLabel().equals("person")));
        assertTrue(routed.values().stream().mapToLong(Long::longValue).sum() > 0, "routed: " + routed);
    }

    private void replayVoc(List<String> args) throws Exception {
        Path home = home("replay-voc");
        Child replay = Child.start(home, work(), args);
        assertEquals(0, replay.awaitExit(), replay.log());
        shownOutputAppears(REPLAY_VOC, replay.log());
        Map<String, Long> routed = allInOneRouted(home, session(replay.log()), Map.of(
                "detections.animal", o -> VOC_ANIMALS.contains(o.getLabel()),
                "detections.motor_vehicle", o -> Set.of("car", "motorbike").contains(o.getLabel())));
        assertTrue(routed.get("detections.animal") > 0, "routed: " + routed);
        assertTrue(replay.log().contains("  routed       detections.animal " + routed.get("detections.animal")
                + ", detections.motor_vehicle " + routed.get("detections.motor_vehicle") + " "), replay.log());
    }

    private void replay9k(List<String> args) throws Exception {
        Path home = home("replay-9k");
        Child replay = Child.start(home, work(), args);
        assertEquals(0, replay.awaitExit(), replay.log());
        String log = replay.log();
        assertTrue(log.contains("  hierarchy    WordTree yolo9000's own tree (9418 nodes), no map (map auto: "
                + "yolo9000 predicts on its own WordTree)"), log);
        assertTrue(log.contains("using the WordTree 9k.tree shipped with yolostream"), log);
        WordTree tree = WordTree.shipped9k();
        List<String> names = LabelNames.shipped9k();
        int dog = names.indexOf("dog");
        int animal = names.indexOf("animal");
        Map<String, Long> routed = allInOneRouted(home, session(log), Map.of(
                "detections.dog", o -> under(tree, o.getLabelId(), dog),
                "detections.animal", o -> under(tree, o.getLabelId(), animal)));
        assertTrue(routed.get("detections.dog") > 0, "routed: " + routed);
        assertTrue(routed.get("detections.animal") > routed.get("detections.dog"), "tabbies too: " + routed);
    }

    private void sinksCoco(List<String> args) throws Exception {
        List<DetectedObject> objects = Stream.of("car", "truck", "motorbike", "bus", "horse", "person", "dog",
                "boat").map(l -> flat(l, List.of("person", "bicycle", "car", "motorbike", "aeroplane", "bus",
                "train", "truck", "boat").indexOf(l))).toList();
        sinks("sinks-coco", args, objects, Map.of(
                "detections.motor_vehicle", List.of("car", "truck", "motorbike"),
                "detections.animal", List.of("horse", "dog"),
                "detections.person", List.of("person")));
    }

    private void sinksOwnMap(List<String> args) throws Exception {
        String map = blocks().stream().filter(b -> b.text().startsWith("# label = node")).findFirst()
                .orElseThrow(() -> new AssertionError("the map example of " + DOC)).text();
        Files.writeString(work().resolve("my.map"), map);
        List<DetectedObject> objects = Stream.of("doggo", "kitty", "plane", "person").map(l -> flat(l, 0)).toList();
        sinks("sinks-own-map", args, objects, Map.of(
                "detections.dog", List.of("doggo"),
                "detections.cat", List.of("kitty")));
    }

    private void sinksFlat(List<String> args) throws Exception {
        List<DetectedObject> objects = Stream.of("person", "dog", "cat", "person").map(l -> flat(l, 0)).toList();
        sinks("sinks-flat", args, objects, Map.of(
                "detections.person", List.of("person", "person"),
                "detections.dog", List.of("dog")));
    }

    private void sinks9k(List<String> args) throws Exception {
        List<String> names = LabelNames.shipped9k();
        List<DetectedObject> objects = List.of(onTree(names.indexOf("Norfolk terrier")), onTree(names.indexOf("tabby")),
                onTree(3802), onTree(names.indexOf("person")));
        sinks("sinks-9k", args, objects, Map.of(
                "detections.dog", List.of("Norfolk terrier"),
                "detections.animal", List.of("Norfolk terrier", "tabby"),
                "detections.car", List.of("car")));
    }

    private void sinksTypo(List<String> args) throws Exception {
        Child sinks = Child.start(home("sinks-typo"), work(), args);
        assertEquals(2, sinks.awaitExit(), sinks.log());
        assertEquals(outputShown(SINKS_TYPO).strip(), sinks.log().strip(), "the error shown on the page");
    }

    // ---- the all-in-one: what the detector committed vs what the sinks routed --------------------------------

    /**
     * After a run or replay on {@code home}'s data dir: the broker again, the detections the sinks consumed (below
     * their group's committed offsets; of the replay's session when given), and for each topic the set of
     * (camera, sequence, object) records equal to the objects the predicate selects. Returns the counts.
     */
    private Map<String, Long> allInOneRouted(Path home, String session, Map<String, Predicate<DetectedObject>> nodes)
            throws Exception {
        Map<String, Long> counts = new TreeMap<>();
        try (EmbeddedKafka broker = new EmbeddedKafka(home.resolve("run/kafka"), 0, Map.of())) {
            String bootstrap = broker.bootstrapServers();
            Map<TopicPartition, OffsetAndMetadata> consumed = sinksOffsets(bootstrap);
            List<Detection> detections = new ArrayList<>();
            for (ConsumerRecord<String, byte[]> r : AllInOneKit.readCommitted(bootstrap, "detections")) {
                OffsetAndMetadata upTo = consumed.get(new TopicPartition(r.topic(), r.partition()));
                Detection d = DetectionCodec.decode(r.value());
                if (upTo != null && r.offset() < upTo.offset() && (session == null || session.equals(d.getSessionId()))) {
                    detections.add(d);
                }
            }
            assertTrue(!detections.isEmpty(), "the sinks consumed detections");
            AvroTrust.trustPackageOf(RoutedDetection.class);
            var decoder = SinksSerdes.routed().deserializer();
            for (Map.Entry<String, Predicate<DetectedObject>> node : nodes.entrySet()) {
                Set<String> expected = new TreeSet<>();
                for (Detection d : detections) {
                    for (int i = 0; i < d.getObjects().size(); i++) {
                        if (node.getValue().test(d.getObjects().get(i))) {
                            expected.add(d.getCameraId() + "#" + d.getSequence() + "/" + i);
                        }
                    }
                }
                List<String> routed = AllInOneKit.readCommitted(bootstrap, node.getKey()).stream()
                        .map(r -> decoder.deserialize(node.getKey(), r.value()))
                        .filter(r -> session == null || session.equals(r.getSessionId()))
                        .map(r -> r.getCameraId() + "#" + r.getSequence() + "/" + r.getObjectIndex()).toList();
                assertEquals(routed.size(), new TreeSet<>(routed).size(), node.getKey() + ": each object once");
                assertEquals(expected, new TreeSet<>(routed), node.getKey() + ": one record per object under it");
                counts.put(node.getKey(), (long) routed.size());
            }
        }
        System.out.println("routed " + counts);
        return counts;
    }

    private static boolean under(WordTree tree, int labelId, int node) {
        for (int n : tree.pathTo(labelId)) {
            if (n == node) {
                return true;
            }
        }
        return false;
    }

    private static String session(String log) {
        var m = Pattern.compile("replayed camera \\S+ \\(session ([^)]+)\\)").matcher(log);
        assertTrue(m.find(), log);
        return m.group(1);
    }

    /** The lines of the output block shown after the command on the page appear in the output (numbers vary). */
    private static void shownOutputAppears(String command, String output) throws IOException {
        String shown = outputShown(command);
        assertTrue(shown != null, "an output block after " + command);
        for (String line : shown.lines().toList()) {
            if (line.strip().equals("...")) {
                continue;
            }
            String regex = Pattern.quote(line).replaceAll("\\d+", "\\\\E\\\\d+\\\\Q");
            assertTrue(Pattern.compile(regex).matcher(output).find(), "shown '" + line + "' in:\n" + output);
        }
    }

    private static Map<TopicPartition, OffsetAndMetadata> sinksOffsets(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            return admin.listConsumerGroupOffsets("yolostream-sinks").partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS);
        }
    }

    /** Committed (read_committed) end offsets of the topics, summed; 0 while they do not exist. */
    private static long committedRecords(String bootstrap, List<String> topics) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Map<TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new LinkedHashMap<>();
            admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).values().forEach(d ->
                    d.partitions().forEach(p -> latest.put(new TopicPartition(d.name(), p.partition()),
                            org.apache.kafka.clients.admin.OffsetSpec.latest())));
            return admin.listOffsets(latest, new org.apache.kafka.clients.admin.ListOffsetsOptions(
                            org.apache.kafka.common.IsolationLevel.READ_COMMITTED)).all().get(30, TimeUnit.SECONDS)
                    .values().stream().mapToLong(o -> o.offset()).sum();
        } catch (Exception e) {
            return 0; // not created yet
        }
    }

    /** Offsets the group has committed on detections, summed; 0 while there are none. */
    private static long consumed(String bootstrap, String group) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS)
                    .entrySet().stream().filter(e -> e.getKey().topic().equals("detections") && e.getValue() != null)
                    .mapToLong(e -> e.getValue().offset()).sum();
        } catch (Exception e) {
            return 0; // the group or the broker is not up yet
        }
    }

    private static int brokerPort(Path ports) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(ports)) {
            p.load(r);
        }
        return Integer.parseInt(p.getProperty("broker.port"));
    }

    // ---- the standalone sinks: records in, routed topics out --------------------------------------------------

    /**
     * Runs a {@code sinks} command on the test's broker: the example's records go to {@code detections} under a
     * camera id of their own (the examples share the topic), the sinks run with an application id of their own
     * until their group has consumed the topic, then each routed topic holds, for that camera, the expected labels.
     */
    private void sinks(String name, List<String> args, List<DetectedObject> objects,
                       Map<String, List<String>> expected) throws Exception {
        String bootstrap = sinksBroker().bootstrapServers();
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringSerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < objects.size(); i++) {
                p.send(new ProducerRecord<>("detections", name, DetectionCodec.encode(detection(name, i,
                        objects.get(i))))).get(30, TimeUnit.SECONDS);
            }
        }
        long end;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            end = admin.listOffsets(Map.of(new TopicPartition("detections", 0),
                    org.apache.kafka.clients.admin.OffsetSpec.latest())).all().get(30, TimeUnit.SECONDS)
                    .values().iterator().next().offset();
        }
        Path home = home(name);
        List<String> sandboxed = new ArrayList<>(args);
        sandboxed.addAll(List.of("--bootstrap-servers", bootstrap, "--application-id", name, "--http-port", "0",
                "--state-dir", home.resolve("state").toString()));
        Child sinks = Child.start(home, work(), sandboxed);
        try {
            sinks.await("the sinks to consume the " + end + " detections",
                    () -> consumed(bootstrap, name) >= end);
        } finally {
            sinks.stop();
        }
        assertTrue(sinks.log().contains("hierarchy: "), sinks.log());
        AvroTrust.trustPackageOf(RoutedDetection.class);
        var decoder = SinksSerdes.routed().deserializer();
        for (Map.Entry<String, List<String>> e : expected.entrySet()) {
            List<String> labels = AllInOneKit.readCommitted(bootstrap, e.getKey()).stream()
                    .filter(r -> name.equals(r.key()))
                    .map(r -> decoder.deserialize(e.getKey(), r.value()).getLabel()).toList();
            assertEquals(e.getValue(), labels, e.getKey() + "\n" + sinks.log());
        }
    }

    private static EmbeddedKafka sinksBroker;

    /** One broker for the sinks examples (with its detections topic), closed after the class. */
    private static synchronized EmbeddedKafka sinksBroker() throws Exception {
        if (sinksBroker == null) {
            sinksBroker = EmbeddedKafka.temporary();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    sinksBroker.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("detections", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }
        }
        return sinksBroker;
    }

    @AfterAll
    static void closeSinksBroker() {
        if (sinksBroker != null) {
            sinksBroker.close();
        }
    }

    private static DetectedObject flat(String label, int id) {
        return new DetectedObject(1f, 2f, 3f, 4f, 0.7f, label, id, 0.7f, List.of(new PathNode(label, id, 0.7f, 0.7f)));
    }

    /** A YOLO9000 object as the detector writes it: its path from the root, label ids = 9k tree indices. */
    private static DetectedObject onTree(int node) {
        List<String> names = LabelNames.shipped9k();
        List<PathNode> path = new ArrayList<>();
        for (int n : WordTree.shipped9k().pathTo(node)) {
            path.add(new PathNode(names.get(n), n, 0.9f, 0.6f));
        }
        return new DetectedObject(10f, 20f, 30f, 40f, 0.8f, names.get(node), node, 0.6f, path);
    }

    private static Detection detection(String camera, long seq, DetectedObject object) {
        Instant t = Instant.ofEpochMilli(1_750_000_000_000L + seq * 200);
        return Detection.newBuilder().setCameraId(camera).setSequence(seq).setCaptureTime(t)
                .setDetectTime(t.plusMillis(5)).setSource(FrameSource.LIVE).setSessionId("s1")
                .setStatus(DetectionStatus.OK).setReason(null).setModelId("test@00000000").setInputWidth(416)
                .setInputHeight(416).setBatchSize(1).setImageWidth(640).setImageHeight(480)
                .setObjects(List.of(object)).setTimings(new Timings(1f, 2f, 3f, 4f, 5f)).setFramePartition(0)
                .setFrameOffset(seq).build();
    }

    // ---- fixtures: the working directory, homes, models -------------------------------------------------------

    private static Path home(String name) throws IOException {
        return Files.createDirectories(root.resolve("home-" + name));
    }

    /** The directory the commands run in, with every file they name (made once). */
    private static synchronized Path work() throws IOException {
        Path w = root.resolve("work");
        if (!Files.isDirectory(w)) {
            Path tmp = Files.createDirectories(root.resolve("work.tmp"));
            TestVideos.record(tmp.resolve("parking.mp4"), 160, 120, 25, 50, 300_000);
            vocModel(tmp, "yolov2-tiny-voc", "voc.names");
            nineKModel(tmp);
            Files.move(tmp, w);
        }
        return w;
    }

    /** One conv layer and four max pools (stride 32), then the region head: 8 channels into the last 1x1 conv. */
    static String cfg(int classes, int num, String anchors, String extra) {
        return """
                [net]
                width=64
                height=64
                channels=3

                [convolutional]
                batch_normalize=1
                filters=8
                size=3
                stride=2
                pad=1
                activation=leaky

                [maxpool]
                size=2
                stride=2

                [maxpool]
                size=2
                stride=2

                [maxpool]
                size=2
                stride=2

                [maxpool]
                size=2
                stride=2

                [convolutional]
                size=1
                stride=1
                pad=1
                filters=%d
                activation=linear

                [region]
                anchors = %s
                bias_match=1
                classes=%d
                coords=4
                num=%d
                softmax=1
                %s
                """.formatted(num * (5 + classes), anchors, classes, num, extra);
    }

    private static final int LAST_FAN_IN = 8;

    /** yolov2-voc's head (20 classes, darknet's VOC anchors); the last layer x8: confident random outputs. */
    static void vocModel(Path dir, String base, String namesFile) throws IOException {
        Path cfg = Files.writeString(dir.resolve(base + ".cfg"), cfg(20, 5,
                "1.3221, 1.73145, 3.19275, 4.00944, 5.05587, 8.09892, 9.47112, 4.84053, 11.2364, 10.0071", ""));
        Files.writeString(dir.resolve(namesFile), String.join("\n", VOC) + "\n");
        int filters = 5 * 25;
        writeWeights(cfg, dir.resolve(base + ".weights"), 18, filters, (bias, kernel) -> {
            for (int i = 0; i < bias.length; i++) {
                bias[i] *= 8;
            }
            for (int i = 0; i < kernel.length; i++) {
                kernel[i] *= 8;
            }
        });
    }

    /** YOLO9000's head; anchors 0, 1, 2 steered along the tree to a Norfolk terrier, a tabby and a car. */
    static void nineKModel(Path dir) throws IOException {
        Path cfg = Files.writeString(dir.resolve("yolo9000.cfg"), cfg(9418, 3,
                "0.77871, 1.14074, 3.00525, 4.31277, 9.22725, 9.61974", "tree=data/9k.tree"));
        WordTree tree = WordTree.shipped9k();
        List<String> names = LabelNames.shipped9k();
        int[] targets = {names.indexOf("Norfolk terrier"), names.indexOf("tabby"), 3802};
        int per = 5 + 9418;
        writeWeights(cfg, dir.resolve("yolo9000.weights"), 9000, 3 * per, (bias, kernel) -> {
            for (int a = 0; a < 3; a++) {
                bias[a * per + 4] = 6f; // objectness: sigmoid 0.998
                for (int n : tree.pathTo(targets[a])) {
                    bias[a * per + 5 + n] = 20f; // wins its sibling group's softmax by far
                }
            }
        });
    }

    interface LastLayer {
        void edit(float[] bias, float[] kernel);
    }

    /** Seeded random darknet weights for the cfg, with the last conv layer (at the end of the file) edited. */
    static void writeWeights(Path cfg, Path weights, long seed, int filters, LastLayer edit) throws IOException {
        try (OutputStream os = Files.newOutputStream(weights)) {
            RandomWeights.write(DarknetNetwork.of(DarknetCfg.read(cfg)), seed, 0, 2, os);
        }
        byte[] bytes = Files.readAllBytes(weights);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int start = bytes.length - 4 * (filters + filters * LAST_FAN_IN);
        float[] bias = new float[filters];
        float[] kernel = new float[filters * LAST_FAN_IN];
        for (int i = 0; i < bias.length; i++) {
            bias[i] = b.getFloat(start + 4 * i);
        }
        for (int i = 0; i < kernel.length; i++) {
            kernel[i] = b.getFloat(start + 4 * (filters + i));
        }
        edit.edit(bias, kernel);
        for (int i = 0; i < bias.length; i++) {
            b.putFloat(start + 4 * i, bias[i]);
        }
        for (int i = 0; i < kernel.length; i++) {
            b.putFloat(start + 4 * (filters + i), kernel[i]);
        }
        Files.write(weights, bytes);
    }

    /** A catalog model in the home's cache as `yolostream models pull` leaves it: its files and its ONNX. */
    private static void cacheAsPulled(Path home, String name) throws IOException {
        Path dir = Files.createDirectories(home.resolve("models").resolve(name));
        vocModel(dir, name, "voc.names");
        var converted = DarknetConverter.convert(new DarknetConverter.Files(dir.resolve(name + ".cfg"),
                dir.resolve(name + ".weights"), dir.resolve("voc.names"), null), null);
        Files.write(dir.resolve(name + ".onnx"), converted.graph().toByteArray());
    }

    /** {@code yolostream ARGS} in a child JVM, as the launcher runs it; output in a log file. */
    record Child(Process process, Path logFile, List<String> args) {
        static Child start(Path home, Path dir, List<String> args) throws IOException {
            List<String> cmd = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xss16m", "-Xmx1g",
                    "-cp", System.getProperty("java.class.path"), YolostreamCommand.class.getName()));
            cmd.addAll(args);
            Path log = home.resolve("console.log");
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            pb.environment().put("YOLOSTREAM_HOME", home.toString());
            System.out.println("yolostream " + String.join(" ", args) + "   (in " + dir + ", log " + log + ")");
            return new Child(pb.start(), log, List.copyOf(args));
        }

        String log() {
            try {
                return Files.readString(logFile);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Waits (Awaitility) for the condition while the child lives; its log in the failure. */
        void await(String what, java.util.concurrent.Callable<Boolean> condition) {
            try {
                Awaitility.await(what).atMost(WAIT).pollInterval(Duration.ofMillis(250)).until(() -> {
                    if (!process.isAlive()) {
                        fail("yolostream " + String.join(" ", args) + " exited (" + process.exitValue()
                                + ") while waiting for " + what + ":\n" + log());
                    }
                    return condition.call();
                });
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                String log = log();
                fail("waited " + WAIT.toSeconds() + " s for " + what + "; the end of the log of yolostream "
                        + String.join(" ", args) + ":\n" + log.substring(Math.max(0, log.length() - 6000)), e);
            }
        }

        int awaitExit() throws InterruptedException {
            if (!process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("yolostream " + String.join(" ", args) + " did not end within " + WAIT.toSeconds() + " s:\n"
                        + log());
            }
            return process.exitValue();
        }

        /** SIGTERM (the shutdown hook closes everything in order), then the wait for it to end. */
        void stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(90, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor();
            }
        }
    }
}
