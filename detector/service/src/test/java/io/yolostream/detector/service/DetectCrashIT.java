package io.yolostream.detector.service;

import io.yolostream.detector.avro.Detection;
import io.yolostream.detector.avro.DetectionStatus;
import io.yolostream.ingest.avro.SourceKind;
import org.apache.kafka.clients.producer.KafkaProducer;
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

import static io.yolostream.detector.service.DetectTestKit.KAFKA;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The detector killed (not closed) mid-run in a child JVM and started again: still exactly one committed record per
 * frame. The frames arrive while the first detector runs, so the kill lands with work pending.
 */
class DetectCrashIT {
    private static final List<String> CAMERAS = List.of("k1", "k2", "k3");
    private static final int PER_CAMERA = 100;

    @Test
    void aKilledDetectorLosesAndDuplicatesNothing() throws Exception {
        DetectTestKit.Topics t = DetectTestKit.Topics.create(3);
        Map<String, String> flags = DetectTestKit.flags(t, "crash");
        flags.put("max-age-ms", "0"); // the restart takes seconds: frames must run, not go stale
        // the killed member's partitions move after its session times out: keep that short (broker minimum 6 s)
        flags.put("kafka.session.timeout.ms", "6000");
        flags.put("kafka.heartbeat.interval.ms", "1000");
        int n = CAMERAS.size() * PER_CAMERA;
        Thread publisher = new Thread(() -> publishSlowly(t.frames()), "slow-publisher");
        Process first = start(flags, "first");
        Process second = null;
        try {
            publisher.start();
            int before = DetectTestKit.KAFKA.readAtLeast(t.detections(), 30).size();
            first.destroyForcibly();
            assertTrue(first.waitFor(30, TimeUnit.SECONDS), "killed detector did not exit");
            System.out.println("killed the first detector after " + before + " of " + n + " records");
            assertTrue(before < n, "the kill should land mid-run, found all " + n + " records already");
            second = start(flags, "second");
            publisher.join();
            // every frame committed by the group, then the detections to their last stable offsets: a late
            // duplicate from the killed instance's transaction would be there (it is fenced, so none may be)
            List<Detection> all = DetectTestKit.detections(DetectTestKit.settled(t, t.detections()));
            assertEquals(n, all.size(), "committed records");
            Set<String> seen = new HashSet<>();
            for (Detection d : all) {
                assertTrue(seen.add(d.getCameraId() + "#" + d.getSequence()),
                        "duplicate " + d.getCameraId() + "#" + d.getSequence());
                assertEquals(DetectionStatus.OK, d.getStatus());
            }
        } finally {
            first.destroyForcibly();
            if (second != null) {
                second.destroy(); // SIGTERM: the child's shutdown hook closes the service
                if (!second.waitFor(30, TimeUnit.SECONDS)) {
                    second.destroyForcibly();
                }
            }
            publisher.join(30_000);
        }
    }

    private static void publishSlowly(String topic) {
        byte[] img = DetectTestKit.jpeg(9);
        try (KafkaProducer<String, byte[]> p = DetectTestKit.producer()) {
            for (int s = 0; s < PER_CAMERA; s++) {
                for (String c : CAMERAS) {
                    DetectTestKit.send(p, topic, DetectTestKit.frame(c, s, Instant.now(), SourceKind.LIVE, img));
                }
                p.flush();
                Thread.sleep(40);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Process start(Map<String, String> flags, String name) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), DetectChildMain.class.getName()));
        flags.forEach((k, v) -> cmd.add(k + "=" + v));
        Path log = Files.createTempFile("detect-child-" + name, ".log");
        System.out.println("child detector " + name + " logs to " + log);
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }
}
