package io.yolostream.sinks.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.yolostream.detector.avro.DetectionStatus;
import io.yolostream.sinks.service.ServiceFixture;
import io.yolostream.sinks.service.SinksService;
import io.yolostream.sinks.testing.Fixtures;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A non-Java client reads the JSON mirror: Debian's {@code kcat} (librdkafka), as in the README's example. Needs
 * {@code apt-get install kcat} (in .ci/run); skipped without it locally, failed without it under CI=true.
 */
class KcatJsonIT {
    private static final Path KCAT = Path.of("/usr/bin/kcat");

    @BeforeAll
    static void kcatPresent() {
        String why = "kcat not installed (apt-get install -y kcat; .ci/run does)";
        if ("true".equals(System.getenv("CI"))) {
            assertTrue(Files.isExecutable(KCAT), why);
        }
        Assumptions.assumeTrue(Files.isExecutable(KCAT), why);
    }

    private static List<String> kcat(ServiceFixture f, String topic) throws Exception {
        Process p = new ProcessBuilder(KCAT.toString(), "-C", "-b", f.kafka.bootstrapServers(), "-t", topic,
                "-o", "beginning", "-e", "-q", "-f", "%k %T %s\\n").redirectErrorStream(false).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "kcat did not finish");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), err);
        return out.lines().toList();
    }

    @Test
    void kcatReadsDetectionsJson() throws Exception {
        ServiceFixture f = new ServiceFixture("detections-kcat", 1);
        try (SinksService s = new SinksService(f.config("subscribe", "dog"))) {
            assertTrue(s.awaitRunning(Duration.ofSeconds(60)), "state " + s.state());
            f.writeTransactionally(List.of(
                    f.record(Fixtures.detection("kcat-cam", 1, Fixtures.T0, List.of(
                            Fixtures.flatObject("dog", 11, 0.75f)))),
                    f.record(Fixtures.detection("kcat-cam", 2, Fixtures.T0 + 40, DetectionStatus.SKIPPED_STALE,
                            "11 s old", List.of()))));
            String json = f.prefix + ".json";
            f.kafka.readAtLeast(json, 2);

            // the docs' example: kcat -C -b <servers> -t detections.json -o beginning -e -q -f '%k %T %s\n'
            // (run again until it has both: librdkafka may report the end of a partition at a transaction marker
            // before the records behind it, on a loaded machine)
            List<String> lines = org.awaitility.Awaitility.await("kcat prints both records")
                    .atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                    .until(() -> kcat(f, json), l -> l.size() == 2);
            String[] first = lines.get(0).split(" ", 3);
            assertEquals("kcat-cam", first[0]);
            assertEquals(String.valueOf(Fixtures.T0), first[1], "record timestamp = capture time");
            JsonNode d = new ObjectMapper().readTree(first[2]);
            assertEquals("OK", d.get("status").asText());
            assertEquals("dog", d.at("/objects/0/label").asText());
            assertEquals(0.75, d.at("/objects/0/score").asDouble(), 1e-6);
            JsonNode second = new ObjectMapper().readTree(lines.get(1).split(" ", 3)[2]);
            assertEquals("SKIPPED_STALE", second.get("status").asText());
            assertEquals("11 s old", second.get("reason").asText());
        }
    }
}
