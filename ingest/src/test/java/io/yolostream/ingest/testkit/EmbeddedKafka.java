package io.yolostream.ingest.testkit;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.utils.Time;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * A real single-node Kafka (KRaft, combined broker + controller) running inside the test JVM, for integration tests
 * of every module (this class ships in the ingest module's test-jar).
 *
 * <p>Typical use: one broker per JVM, shared by all ITs, each test on its own topic:
 * <pre>{@code
 * EmbeddedKafka kafka = EmbeddedKafka.shared();          // started on first use, stopped at JVM exit
 * String topic = kafka.uniqueTopic("frames");            // "frames-3-1f2e..." — no clashes between tests
 * kafka.createTopic(topic, 3, Map.of());
 * ... produce with kafka.bootstrapServers() ...
 * List<ConsumerRecord<String, byte[]>> all = kafka.readAll(topic);   // or EmbeddedKafkaReader.readUntil(...)
 * }</pre>
 *
 * <p>A test that stops the broker ("Kafka down for a while") must not stop the shared one: it creates its own with
 * {@code new EmbeddedKafka()} (try-with-resources), and {@link #stop()} / {@link #start()} it; a restart keeps the
 * same ports, cluster id and data, so clients reconnect by themselves and earlier records are still there.
 *
 * <p>From another module: depend on {@code yolostream-ingest} with {@code <type>test-jar</type>} and
 * {@code <scope>test</scope>}, plus {@code kafka_2.13}, {@code kafka-server} and {@code kafka-server-common} in test
 * scope (test dependencies are not transitive).
 *
 * <p>Settings: internal topics (consumer offsets, transaction state, share-group state) have one replica and
 * min ISR 1 so that transactions (EOS v2) and consumer groups work on one node; the log cleaner's dedupe buffer is
 * small (compacted topics still work); group rebalance delay is 0 for fast tests; a short broker session lets a
 * restarted node re-register in well under a second. Kafka's own loggers ({@code kafka}, {@code org.apache.kafka},
 * broker and clients alike) are set to SEVERE in java.util.logging (where slf4j-jdk14 routes them): a stopped broker
 * otherwise floods the log with connection warnings. Lower that level in a test to see them.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final AtomicInteger TOPIC_COUNTER = new AtomicInteger();
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    // JUL keeps loggers weakly: hold the quieted ones so their level sticks
    private static final List<Logger> QUIET_LOGGERS = Stream.of("kafka", "org.apache.kafka", "state.change.logger")
            .map(Logger::getLogger).toList();
    private static EmbeddedKafka shared;

    private final Path dataDir;
    private final boolean ownsDataDir;
    private final int brokerPort;
    private final int controllerPort;
    private final String clusterId;
    private final Map<String, String> overrides;
    private KafkaRaftServer server;

    /** A broker on free ports with a fresh temporary data dir (deleted by {@link #close()}); started. */
    public EmbeddedKafka() {
        this(Map.of());
    }

    /** As {@link #EmbeddedKafka()}, with broker properties added or overridden (e.g. {@code message.max.bytes}). */
    public EmbeddedKafka(Map<String, String> brokerOverrides) {
        this(null, brokerOverrides);
    }

    /**
     * A broker keeping its data in {@code dataDir} (formatted if empty, reused otherwise; left in place by close)
     * or, when null, in a temporary dir deleted by close. Started.
     */
    public EmbeddedKafka(Path dataDir, Map<String, String> brokerOverrides) {
        quietLogs();
        try {
            this.ownsDataDir = dataDir == null;
            this.dataDir = dataDir == null ? Files.createTempDirectory("embedded-kafka-") : dataDir;
            Files.createDirectories(this.dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("embedded Kafka: cannot create data dir " + dataDir, e);
        }
        this.brokerPort = freePort();
        this.controllerPort = freePort();
        this.clusterId = UUID.randomUUID().toString().replace("-", "").substring(0, 22);
        this.overrides = Map.copyOf(brokerOverrides);
        start();
    }

    /** The JVM's shared broker, started on first call and stopped at JVM exit. Never stop it from a test. */
    public static synchronized EmbeddedKafka shared() {
        if (shared == null) {
            shared = new EmbeddedKafka();
            EmbeddedKafka toClose = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(toClose::close, "embedded-kafka-shutdown"));
        }
        return shared;
    }

    /** A topic name no other test in this JVM uses: {@code prefix-N-random}. */
    public String uniqueTopic(String prefix) {
        return prefix + "-" + TOPIC_COUNTER.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** {@code localhost:port} for clients. Stays the same across stop/start. */
    public String bootstrapServers() {
        return "localhost:" + brokerPort;
    }

    public Path dataDir() {
        return dataDir;
    }

    public synchronized boolean isRunning() {
        return server != null;
    }

    /** Starts the broker (again) on the same ports and data; returns when it accepts requests. No-op if running. */
    public synchronized void start() {
        if (server != null) {
            return;
        }
        Properties props = brokerProperties();
        Path logDir = dataDir.resolve("log");
        if (!Files.exists(logDir.resolve("meta.properties"))) {
            format(props);
        }
        KafkaRaftServer s = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        s.startup();
        server = s;
        awaitReady();
    }

    /** Stops the broker (clients see it gone); data stays for {@link #start()}. No-op if stopped. */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        server.shutdown();
        server.awaitShutdown();
        server = null;
    }

    /** Creates a topic with one replica per partition, {@code configs} as topic configs. */
    public void createTopic(String name, int partitions, Map<String, String> configs) {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs)))
                    .all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("embedded Kafka: cannot create topic " + name + ": " + e.getCause(), e);
        } catch (Exception e) {
            throw new IllegalStateException("embedded Kafka: cannot create topic " + name + ": " + e, e);
        }
    }

    /** Every record committed to {@code topic} now (see {@link EmbeddedKafkaReader#readAll}). */
    public List<ConsumerRecord<String, byte[]>> readAll(String topic) {
        return EmbeddedKafkaReader.readAll(bootstrapServers(), topic, Duration.ofSeconds(30));
    }

    /** Waits (up to 60 s) for at least {@code count} records of {@code topic} and returns all read. */
    public List<ConsumerRecord<String, byte[]>> readAtLeast(String topic, int count) {
        return EmbeddedKafkaReader.readAtLeast(bootstrapServers(), topic, count, Duration.ofSeconds(60));
    }

    /** An admin client on this broker; the caller closes it. */
    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000));
    }

    /** Stops the broker; deletes the data dir when this instance created it. */
    @Override
    public synchronized void close() {
        stop();
        if (ownsDataDir) {
            deleteRecursively(dataDir);
        }
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
        p.put("log.flush.interval.messages", String.valueOf(Long.MAX_VALUE));
        // a restarted node re-registers at once instead of waiting out its old session
        p.put("broker.session.timeout.ms", "2000");
        p.put("broker.heartbeat.interval.ms", "500");
        p.putAll(overrides);
        return p;
    }

    private void format(Properties props) {
        Path configFile = dataDir.resolve("server.properties");
        try (Writer w = Files.newBufferedWriter(configFile, StandardCharsets.UTF_8)) {
            props.store(w, "embedded Kafka");
        } catch (IOException e) {
            throw new UncheckedIOException("embedded Kafka: cannot write " + configFile, e);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc = StorageTool.execute(new String[]{"format", "-t", clusterId, "-c", configFile.toString(),
                "--standalone"}, new PrintStream(out, true, StandardCharsets.UTF_8));
        if (rc != 0) {
            throw new IllegalStateException("embedded Kafka: storage format of " + dataDir + " failed (exit " + rc
                    + "): " + out.toString(StandardCharsets.UTF_8));
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
            sleep(100);
        }
        throw new IllegalStateException("embedded Kafka on " + bootstrapServers() + " not ready after "
                + START_TIMEOUT.toSeconds() + " s", last);
    }

    private static void quietLogs() {
        QUIET_LOGGERS.forEach(l -> l.setLevel(Level.SEVERE));
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("embedded Kafka: no free port", e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for embedded Kafka", e);
        }
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
