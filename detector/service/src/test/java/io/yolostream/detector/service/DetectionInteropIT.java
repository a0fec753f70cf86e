package io.yolostream.detector.service;

import io.yolostream.detector.avro.Detection;
import io.yolostream.detector.schema.DetectionCodec;
import io.yolostream.ingest.avro.FrameCodec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.yolostream.detector.service.DetectTestKit.KAFKA;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Non-Java clients read the detections topic: Debian's {@code kcat} (librdkafka) with
 * {@code isolation.level=read_committed} lists keys and timestamps and fetches raw values, and
 * {@code read_detection.py} (Debian's python3-avro, with only Detection.avsc) checks the single-object header and
 * decodes real records written by the detect service. Needs {@code apt-get install kcat python3-avro}; skipped
 * without them locally, failed without them under CI=true.
 */
class DetectionInteropIT {
    private static final Path KCAT = Path.of("/usr/bin/kcat");
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();
    private static final Path AVSC = Path.of("../detection-schema/src/main/avro/Detection.avsc").toAbsolutePath();

    @BeforeAll
    static void toolsPresent() throws Exception {
        boolean present = Files.isExecutable(KCAT) && Files.isExecutable(PYTHON)
                && run(List.of(PYTHON.toString(), "-c", "import avro.io, avro.schema"), null).exit == 0;
        String why = "kcat and python3-avro not installed (apt-get install -y kcat python3-avro; .ci/run does)";
        if ("true".equals(System.getenv("CI"))) {
            assertTrue(present, why);
        }
        Assumptions.assumeTrue(present, why);
    }

    @Test
    void kcatAndPythonAvroReadCommittedDetections() throws Exception {
        DetectTestKit.Topics t = DetectTestKit.Topics.create(1);
        int n = DetectTestKit.publish(t.frames(), List.of("py-a", "py-b"), 3);
        List<ConsumerRecord<String, byte[]>> java;
        try (DetectService svc = new DetectService(DetectTestKit.config(DetectTestKit.flags(t, "py")))) {
            java = DetectTestKit.settled(t, t.detections());
        }
        assertEquals(n, java.size());

        Result listing = run(List.of(KCAT.toString(), "-C", "-b", KAFKA.bootstrapServers(), "-t", t.detections(),
                "-X", "isolation.level=read_committed", "-o", "beginning", "-e", "-q", "-f", "%k|%T\\n"), null);
        assertEquals(0, listing.exit, listing.stderr);
        List<String> lines = listing.stdout().lines().toList();
        assertEquals(n, lines.size(), listing.stdout());
        for (int i = 0; i < n; i++) {
            assertEquals(java.get(i).key() + "|" + java.get(i).timestamp(), lines.get(i),
                    "key = camera id, timestamp = capture time");
        }

        Result values = run(List.of(KCAT.toString(), "-C", "-b", KAFKA.bootstrapServers(), "-t", t.detections(),
                "-X", "isolation.level=read_committed", "-o", "beginning", "-e", "-q", "-f", "%S\\n%s"), null);
        assertEquals(0, values.exit, values.stderr);
        // the reader the docs show (docs/examples), run as a user would run it
        Path script = Path.of("../../docs/examples/read_detection.py").toAbsolutePath();
        Result decoded = run(List.of(PYTHON.toString(), script.toString(), AVSC.toString()), values.stdoutBytes);
        assertEquals(0, decoded.exit, decoded.stderr);
        // and the README's own line, verbatim but for the broker and the topic, from the repository root
        Result readme = run(List.of("bash", "-o", "pipefail", "-c", readmeDecodeLine()
                .replace("localhost:9092", KAFKA.bootstrapServers())
                .replace(" -t detections ", " -t " + t.detections() + " ")), null, ROOT);
        assertEquals(0, readme.exit, readme.stderr);
        assertEquals(decoded.stdout(), readme.stdout(), "the README's kcat | read_detection.py line");
        List<String> records = decoded.stdout().lines().toList();
        assertEquals(n, records.size(), decoded.stdout());
        String fingerprint = String.format("\"fingerprint\": \"%016x\"", FrameCodec.fingerprint(Detection.getClassSchema()));
        for (int i = 0; i < n; i++) {
            Detection d = DetectionCodec.decode(java.get(i).value());
            String json = records.get(i);
            assertTrue(json.contains(fingerprint), json);
            assertTrue(json.contains("\"cameraId\": \"" + d.getCameraId() + "\""), json);
            assertTrue(json.contains("\"sequence\": " + d.getSequence() + ","), json);
            assertTrue(json.contains("\"captureTime\": " + d.getCaptureTime().toEpochMilli() + ","), json);
            assertTrue(json.contains("\"status\": \"OK\""), json);
            assertTrue(json.contains("\"modelId\": \"" + d.getModelId() + "\""), json);
            assertTrue(json.contains("\"inputWidth\": " + d.getInputWidth() + ","), json);
            assertTrue(json.contains("\"frameOffset\": " + d.getFrameOffset() + ","), json);
            assertTrue(json.contains("\"inferenceMs\": "), json);
            assertEquals(d.getObjects().size(), json.split("\"objectness\"", -1).length - 1,
                    "objects of " + d.getCameraId() + "/" + d.getSequence() + ": " + json);
        }
    }

    private record Result(int exit, byte[] stdoutBytes, String stderr) {
        String stdout() {
            return new String(stdoutBytes, StandardCharsets.UTF_8);
        }
    }

    /** The README's {@code kcat ... | docs/examples/read_detection.py ...} command, continuation lines joined. */
    private static String readmeDecodeLine() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                "(?m)^kcat [^\\n]*\\\\\\n[^\\n]*read_detection\\.py[^\\n]*$").matcher(readme);
        assertTrue(m.find(), "the README shows kcat piped into read_detection.py");
        return m.group().replace("\\\n", " ");
    }

    private static Result run(List<String> command, byte[] stdin) throws IOException, InterruptedException {
        return run(command, stdin, null);
    }

    private static Result run(List<String> command, byte[] stdin, Path dir) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command));
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        Process p = pb.start();
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin);
            }
        }
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + " did not finish in 60 s");
        }
        return new Result(p.exitValue(), out.join(), new String(err.join(), StandardCharsets.UTF_8));
    }

    private static byte[] readAll(java.io.InputStream s) {
        try {
            return s.readAllBytes();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
