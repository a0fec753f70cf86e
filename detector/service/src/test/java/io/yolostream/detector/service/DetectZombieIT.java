package io.yolostream.detector.service;

import io.yolostream.detector.avro.Detection;
import io.yolostream.detector.avro.DetectionStatus;
import io.yolostream.ingest.avro.SourceKind;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A zombie detector: one of two child JVMs is frozen (SIGSTOP) mid-run for longer than its session timeout and its
 * transaction timeout, while frames keep coming, then thawed (SIGCONT), then frozen briefly many more times. The group hands its partitions to the other
 * one; the thawed one's late transaction is refused by Kafka (a stale group generation, or a producer fenced after
 * the broker aborted the timed-out transaction). It must not stop: it rejoins and works on, still exactly one
 * committed record per frame. Shown at the end by stopping the other detector and letting the zombie alone detect
 * a second round of frames.
 */
class DetectZombieIT {
    private static final List<String> CAMERAS = List.of("z1", "z2", "z3", "z4");
    private static final int SHORT_FREEZES = 20;
    private static final int SECOND_ROUND = 20;

    @Test
    void aPausedDetectorIsFencedThenRejoinsWithoutRestart() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/kill")) || Files.isExecutable(Path.of("/usr/bin/kill")),
                "no kill command here to send SIGSTOP/SIGCONT");
        DetectTestKit.Topics t = DetectTestKit.Topics.create(4);
        Map<String, String> flags = DetectTestKit.flags(t, "zombie");
        flags.put("max-age-ms", "0"); // frames wait out the pause: they must run, not go stale
        flags.put("kafka.session.timeout.ms", "6000"); // the broker's minimum: the group moves on quickly
        flags.put("kafka.heartbeat.interval.ms", "1000");
        flags.put("kafka.transaction.timeout.ms", "4000"); // the broker aborts an open transaction of the frozen one
        flags.put("kafka.max.block.ms", "1000"); // a producer call frozen mid-way times out when thawed
        Map<String, String> other = new java.util.LinkedHashMap<>(flags);
        other.put("instance-id", "healthy");
        Path zombieLog = Files.createTempFile("detect-child-zombie", ".log");
        Process zombie = start(flags, zombieLog);
        Process healthy = null;
        java.util.concurrent.atomic.AtomicBoolean publishing = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.atomic.AtomicInteger rounds = new java.util.concurrent.atomic.AtomicInteger();
        Thread publisher = new Thread(() -> publishWhile(t.frames(), publishing, rounds), "slow-publisher");
        try {
            await().atMost(Duration.ofSeconds(120)).until(() -> Files.readString(zombieLog).contains("detector started"));
            healthy = start(other, Files.createTempFile("detect-child-healthy", ".log"));
            publisher.start();
            DetectTestKit.KAFKA.readAtLeast(t.detections(), 60);
            // the scenario itself: frozen past the session (6 s) and transaction (4 s) timeouts: the group moves
            // on without it, the broker aborts its open transaction
            freeze(zombie, 8_000);
            assertWorking(zombie, zombieLog);
            // then short freezes, past max.block.ms only, landing at different points of the loop (inference,
            // sending, committing): a commit frozen mid-way times out when thawed and leaves its producer unable to
            // abort, which stopped the detector before it replaced such a producer
            for (int i = 0; i < SHORT_FREEZES; i++) {
                freeze(zombie, 1_500);
                Thread.sleep(1_000);
            }
            assertWorking(zombie, zombieLog);
            System.out.println("froze and thawed the zombie detector (pid " + zombie.pid() + ") " + (1 + SHORT_FREEZES)
                    + " times");
            publishing.set(false);
            publisher.join();
            int n = CAMERAS.size() * rounds.get();
            List<Detection> all = DetectTestKit.detections(DetectTestKit.settled(t, t.detections()));
            assertExactlyOnce(all, n);
            assertWorking(zombie, zombieLog);
            String log = Files.readString(zombieLog);
            // its late transactions were refused, and it went on without a restart
            assertTrue(log.contains("transaction failed") || log.contains("fenced its producer")
                    || log.contains("producer unusable"), "no refused transaction in the zombie's log: "
                    + tail(zombieLog));
            System.out.println("the zombie's late transactions: " + count(log, "transaction failed")
                    + " aborted, " + count(log, "new transactional producer for") + " producer(s) replaced");

            // the zombie works on alone: stop the other one, then every frame of a second round is detected
            healthy.destroy();
            assertTrue(healthy.waitFor(60, TimeUnit.SECONDS), "the healthy detector did not stop");
            try (KafkaProducer<String, byte[]> p = DetectTestKit.producer()) {
                byte[] img = DetectTestKit.jpeg(11);
                for (int s = rounds.get(); s < rounds.get() + SECOND_ROUND; s++) {
                    for (String c : CAMERAS) {
                        DetectTestKit.send(p, t.frames(), DetectTestKit.frame(c, s, Instant.now(), SourceKind.LIVE,
                                img));
                    }
                }
                p.flush();
            }
            all = DetectTestKit.detections(DetectTestKit.settled(t, t.detections()));
            assertExactlyOnce(all, CAMERAS.size() * (rounds.get() + SECOND_ROUND));
            assertWorking(zombie, zombieLog);
        } finally {
            publishing.set(false);
            publisher.join(60_000);
            for (Process p : new Process[] {zombie, healthy}) {
                if (p != null && p.isAlive()) {
                    signal("CONT", p);
                    p.destroy(); // SIGTERM: the child's shutdown hook closes the service
                    if (!p.waitFor(30, TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                    }
                }
            }
        }
    }

    private static void assertWorking(Process zombie, Path log) throws IOException {
        assertTrue(zombie.isAlive() && !Files.readString(log).contains("detector loop stopped"),
                "the thawed detector stopped: " + tail(log));
    }

    private static void assertExactlyOnce(List<Detection> all, int expected) {
        Set<String> seen = new HashSet<>();
        for (Detection d : all) {
            assertTrue(seen.add(d.getCameraId() + "#" + d.getSequence()),
                    "duplicate " + d.getCameraId() + "#" + d.getSequence());
            assertEquals(DetectionStatus.OK, d.getStatus());
        }
        assertEquals(expected, all.size(), "committed records");
    }

    /** Rounds of one frame per camera, every 100 ms, until told to stop; counts the rounds. */
    private static void publishWhile(String topic, java.util.concurrent.atomic.AtomicBoolean go,
                                     java.util.concurrent.atomic.AtomicInteger rounds) {
        byte[] img = DetectTestKit.jpeg(9);
        try (KafkaProducer<String, byte[]> p = DetectTestKit.producer()) {
            for (int s = 0; go.get(); s++) {
                for (String c : CAMERAS) {
                    DetectTestKit.send(p, topic, DetectTestKit.frame(c, s, Instant.now(), SourceKind.LIVE, img));
                }
                p.flush();
                rounds.set(s + 1);
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long count(String text, String what) {
        return text.lines().filter(l -> l.contains(what)).count();
    }

    /** SIGSTOP, wait (the fault's duration, not an assertion), SIGCONT. */
    private static void freeze(Process p, long millis) throws IOException, InterruptedException {
        signal("STOP", p);
        try {
            Thread.sleep(millis);
        } finally {
            signal("CONT", p);
        }
    }

    private static void signal(String name, Process p) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(p.pid())).inheritIO().start();
        assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -" + name + " " + p.pid());
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    private static Process start(Map<String, String> flags, Path log) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), DetectChildMain.class.getName()));
        flags.forEach((k, v) -> cmd.add(k + "=" + v));
        System.out.println("child detector " + flags.get("instance-id") + " logs to " + log);
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }
}
