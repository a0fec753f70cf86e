package io.yolostream.kafka.embedded;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * A real single-node Kafka broker (KRaft, combined broker + controller) inside this JVM: the one broker of the
 * all-in-one ({@code yolostream run}, {@code replay}, {@code bench-pipeline}) and of every integration test. Not for
 * production: one node, one replica per partition.
 *
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.temporary()) {          // fresh temp dir, deleted by close
 *     kafka.createTopic("frames", 6, Map.of());
 *     ... clients on kafka.bootstrapServers() ...
 * }
 * try (EmbeddedKafka kafka = new EmbeddedKafka(Path.of("data/kafka"), 9092, Map.of())) {
 *     ...                                                          // kept: the next start resumes it
 * }
 * EmbeddedKafka shared = EmbeddedKafka.shared();                   // tests: one per JVM, a topic per test
 * String topic = shared.uniqueTopic("frames");
 * }</pre>
 *
 * <p><b>Data dir.</b> Formatted on first start (a new cluster id); later starts on the same dir resume it: topics,
 * records, committed offsets and transactions are all there. The ports are remembered in
 * {@code embedded-broker.properties} in the data dir, so a restart listens where clients last found it (the KRaft
 * controller's own address is part of the formatted metadata and must not change). {@link #stop()} and
 * {@link #start()} keep ports and data too: clients reconnect by themselves ("Kafka down for a while" tests make
 * their own broker for that, never stopping the shared one).
 *
 * <p><b>Settings.</b> Internal topics (consumer offsets, transaction state log, share-group state) have one replica
 * and min ISR 1, so consumer groups and exactly-once transactions (EOS v2) work on one node; the log cleaner's dedupe
 * buffer is 2 MiB instead of 128 MiB (compacted topics still work); the group rebalance delay is 0; a short broker
 * session lets a restarted node re-register at once. {@code overrides} add or replace broker properties (e.g.
 * {@code message.max.bytes}). The broker's loggers ({@code kafka.*}, {@code org.apache.kafka.controller}, {@code .raft},
 * {@code .server}, ...; not the clients') are set to SEVERE in java.util.logging (where slf4j-jdk14 routes them): a
 * broker logs hundreds of lines at start and routine warnings (an empty metadata log on first start) at WARN;
 * {@code org.apache.kafka} as a whole is raised to at least WARNING (every client and broker config dump is INFO).
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final AtomicInteger TOPIC_COUNTER = new AtomicInteger();
    private static EmbeddedKafka shared;
    private static final String PORTS_FILE = "embedded-broker.properties";
    // the broker's own packages (not the clients'): JUL keeps loggers weakly, so hold them for the level to stick
    private static final List<Logger> QUIET_LOGGERS = Stream.of("kafka", "state.change.logger",
                    "org.apache.kafka.controller", "org.apache.kafka.raft", "org.apache.kafka.server",
                    "org.apache.kafka.metadata", "org.apache.kafka.image", "org.apache.kafka.storage",
                    "org.apache.kafka.coordinator", "org.apache.kafka.snapshot")
            .map(Logger::getLogger).toList();
    /** Clients and broker alike log every config at INFO; held here too, since a level on a collected logger is lost. */
    private static final Logger KAFKA_LOGGER = Logger.getLogger("org.apache.kafka");

    private final Path dataDir;
    private final boolean ownsDataDir;
    private final int brokerPort;
    private final int controllerPort;
    private final Map<String, String> overrides;
    private KafkaRaftServer server;

    /**
     * A broker keeping its data in {@code dataDir} (created and formatted when new, resumed otherwise; kept by
     * {@link #close()}), started.
     *
     * @param port the client port; 0 = the port this data dir used last time, or a free one for a new dir
     */
    public EmbeddedKafka(Path dataDir, int port, Map<String, String> overrides) {
        this(dataDir, false, port, overrides);
    }

    private EmbeddedKafka(Path dataDir, boolean ownsDataDir, int port, Map<String, String> overrides) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("embedded Kafka port: expected 0..65535, found " + port);
        }
        quietLogs();
        this.dataDir = dataDir.toAbsolutePath();
        this.ownsDataDir = ownsDataDir;
        this.overrides = Map.copyOf(overrides);
        try {
            Files.createDirectories(this.dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("embedded Kafka: cannot create data dir " + this.dataDir, e);
        }
        Properties remembered = readPorts();
        int lastBroker = Integer.parseInt(remembered.getProperty("broker.port", "0"));
        int lastController = Integer.parseInt(remembered.getProperty("controller.port", "0"));
        this.brokerPort = port != 0 ? port : lastBroker != 0 ? lastBroker : freePort();
        this.controllerPort = lastController != 0 ? lastController : freePort(brokerPort);
        writePorts();
        start();
    }

    /** A broker keeping its data in {@code dataDir}, on the port it used last (or a free one); started. */
    public EmbeddedKafka(Path dataDir, Map<String, String> overrides) {
        this(dataDir, false, 0, overrides);
    }

    /** The JVM's shared broker (tests), started on first call and stopped at JVM exit. Never stop it from a test. */
    public static synchronized EmbeddedKafka shared() {
        if (shared == null) {
            shared = temporary();
            EmbeddedKafka toClose = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(toClose::close, "embedded-kafka-shutdown"));
        }
        return shared;
    }

    /** A topic name no other test in this JVM uses: {@code prefix-N-random}. */
    public String uniqueTopic(String prefix) {
        return prefix + "-" + TOPIC_COUNTER.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Every record committed to {@code topic} now (see {@link EmbeddedKafkaReader#readAll}). */
    public List<ConsumerRecord<String, byte[]>> readAll(String topic) {
        return EmbeddedKafkaReader.readAll(bootstrapServers(), topic, Duration.ofSeconds(30));
    }

    /** Waits (up to 60 s) for at least {@code count} records of {@code topic} and returns all read. */
    public List<ConsumerRecord<String, byte[]>> readAtLeast(String topic, int count) {
        return EmbeddedKafkaReader.readAtLeast(bootstrapServers(), topic, count, Duration.ofSeconds(60));
    }

    /** A broker on free ports in a fresh temporary data dir, deleted by {@link #close()}; started. */
    public static EmbeddedKafka temporary() {
        return temporary(Map.of());
    }

    /** As {@link #temporary()}, with broker properties added or replaced. */
    public static EmbeddedKafka temporary(Map<String, String> overrides) {
        try {
            return new EmbeddedKafka(Files.createTempDirectory("yolostream-kafka-"), true, 0, overrides);
        } catch (IOException e) {
            throw new UncheckedIOException("embedded Kafka: cannot create a temporary data dir", e);
        }
    }

    /** {@code localhost:port} for clients; the same across {@link #stop()}/{@link #start()}. */
    public String bootstrapServers() {
        return "localhost:" + brokerPort;
    }

    public int port() {
        return brokerPort;
    }

    public Path dataDir() {
        return dataDir;
    }

    public synchronized boolean isRunning() {
        return server != null;
    }

    /** Starts the broker (again) on the same ports and data; returns once it answers. No-op while running. */
    public synchronized void start() {
        if (server != null) {
            return;
        }
        Properties props = brokerProperties();
        if (!Files.exists(dataDir.resolve("log").resolve("meta.properties"))) {
            format(props);
        }
        KafkaRaftServer s;
        try {
            s = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
            s.startup();
        } catch (RuntimeException e) {
            throw new IllegalStateException("embedded Kafka in " + dataDir + " on port " + brokerPort
                    + ": expected to start, found: " + e.getMessage(), e);
        }
        server = s;
        awaitReady();
    }

    /** Stops the broker; the data stays for {@link #start()}. No-op when stopped. */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        server.shutdown();
        server.awaitShutdown();
        server = null;
    }

    /** Creates a topic (one replica per partition) unless it exists. */
    public void createTopic(String name, int partitions, Map<String, String> configs) {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs)))
                    .all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("embedded Kafka: cannot create topic " + name + ": " + e.getCause(),
                        e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("embedded Kafka: interrupted creating topic " + name, e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("embedded Kafka: topic " + name + " not created in 30 s", e);
        }
    }

    /** The settled output of an exactly-once processor (see {@link EmbeddedKafkaReader#readSettled}). */
    public List<ConsumerRecord<String, byte[]>> readSettled(String groupId, String input, String output) {
        return EmbeddedKafkaReader.readSettled(bootstrapServers(), groupId, input, output, Duration.ofSeconds(120));
    }

    /** An admin client on this broker; the caller closes it. */
    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000));
    }

    /** Stops the broker; deletes the data dir when it is a temporary one. */
    @Override
    public synchronized void close() {
        stop();
        if (ownsDataDir) {
            deleteRecursively(dataDir);
        }
    }

    @Override
    public String toString() {
        return "EmbeddedKafka[" + bootstrapServers() + ", " + dataDir + "]";
    }

    private Properties brokerProperties() {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.bootstrap.servers", "localhost:" + controllerPort);
        p.put("listeners", "PLAINTEXT://localhost:" + brokerPort + ",CONTROLLER://localhost:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://localhost:" + brokerPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", dataDir.resolve("log").toString());
        p.put("num.partitions", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "3");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "3");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(2 * 1024 * 1024));
        // a restarted node re-registers at once instead of waiting out its old session
        p.put("broker.session.timeout.ms", "2000");
        p.put("broker.heartbeat.interval.ms", "500");
        p.putAll(overrides);
        return p;
    }

    private void format(Properties props) {
        Path configFile = dataDir.resolve("server.properties");
        try (Writer w = Files.newBufferedWriter(configFile, StandardCharsets.UTF_8)) {
            props.store(w, "embedded Kafka (yolostream)");
        } catch (IOException e) {
            throw new UncheckedIOException("embedded Kafka: cannot write " + configFile, e);
        }
        String clusterId = UUID.randomUUID().toString().replace("-", "").substring(0, 22);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc = StorageTool.execute(new String[]{"format", "-t", clusterId, "-c", configFile.toString(),
                "--standalone"}, new PrintStream(out, true, StandardCharsets.UTF_8));
        if (rc != 0) {
            throw new IllegalStateException("embedded Kafka: storage format of " + dataDir + " failed (exit " + rc
                    + "): " + out.toString(StandardCharsets.UTF_8));
        }
    }

    private Properties readPorts() {
        Properties p = new Properties();
        Path f = dataDir.resolve(PORTS_FILE);
        if (Files.exists(f)) {
            try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
                p.load(r);
            } catch (IOException e) {
                throw new UncheckedIOException("embedded Kafka: cannot read " + f, e);
            }
        }
        return p;
    }

    private void writePorts() {
        Properties p = new Properties();
        p.setProperty("broker.port", String.valueOf(brokerPort));
        p.setProperty("controller.port", String.valueOf(controllerPort));
        Path f = dataDir.resolve(PORTS_FILE);
        // written aside and moved into place: a reader (a client, a test waiting for the broker) never sees it half
        Path tmp = dataDir.resolve(PORTS_FILE + ".tmp");
        try {
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                p.store(w, "ports of the embedded Kafka in this dir: a restart listens on the same ones");
            }
            Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("embedded Kafka: cannot write " + f, e);
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try (Admin admin = admin()) {
                if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                    return;
                }
            } catch (Exception e) {
                last = e;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for embedded Kafka", e);
            }
        }
        throw new IllegalStateException("embedded Kafka on " + bootstrapServers() + ": expected it to answer within "
                + START_TIMEOUT.toSeconds() + " s, found no answer", last);
    }

    private static void quietLogs() {
        QUIET_LOGGERS.forEach(l -> l.setLevel(Level.SEVERE));
        Level kafka = KAFKA_LOGGER.getLevel();
        if (kafka == null || kafka.intValue() < Level.WARNING.intValue()) {
            KAFKA_LOGGER.setLevel(Level.WARNING);
        }
    }

    /** A free loopback port other than {@code avoid}. */
    private static int freePort(int... avoid) {
        for (int attempt = 0; attempt < 20; attempt++) {
            try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
                s.setReuseAddress(true);
                int p = s.getLocalPort();
                if (avoid.length == 0 || p != avoid[0]) {
                    return p;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("embedded Kafka: no free port", e);
            }
        }
        throw new IllegalStateException("embedded Kafka: no free port");
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: a temp dir left behind is harmless
        }
    }
}
