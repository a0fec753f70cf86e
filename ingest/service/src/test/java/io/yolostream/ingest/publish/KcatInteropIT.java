package io.yolostream.ingest.publish;

import io.yolostream.ingest.avro.FrameCodec;
import io.yolostream.ingest.avro.SourceKind;
import io.yolostream.ingest.source.EncodedFrame;
import io.yolostream.kafka.embedded.EmbeddedKafka;
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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Non-Java clients read our frames: Debian's {@code kcat} (librdkafka) lists keys, timestamps and headers and fetches
 * raw values, and {@code read_frame.py} (Debian's python3-avro, with only the .avsc files) checks the single-object
 * header and decodes them. Needs {@code apt-get install kcat python3-avro} (in .ci/run); skipped without them
 * locally, failed without them under CI=true.
 */
class KcatInteropIT {
    private static final Path KCAT = Path.of("/usr/bin/kcat");
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path AVSC_DIR = Path.of("../frame-schema/src/main/avro").toAbsolutePath();
    private static final long T0 = 1_750_000_000_000L;

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
    void kcatAndPythonAvroReadFramesAndTheEndOfStream() throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.shared();
        String topic = kafka.uniqueTopic("frames-kcat");
        byte[] jpeg = TestFrames.jpeg(320, 240, 90, true);
        try (FramePublisher publisher = new FramePublisher(
                PublisherConfig.defaults(kafka.bootstrapServers()).withTopic(topic))) {
            for (int i = 0; i < 3; i++) {
                publisher.put(new EncodedFrame("kcat-cam", "run-1", SourceKind.REPLAY, T0 + i * 40, i * 40_000L,
                        320, 240, 90, jpeg));
            }
            publisher.endOfStream("kcat-cam", "run-1", 3);
        }

        Result listing = run(List.of(KCAT.toString(), "-C", "-b", kafka.bootstrapServers(), "-t", topic, "-o",
                "beginning", "-e", "-q", "-f", "%k|%T|%h|%S\\n"), null);
        assertEquals(0, listing.exit, listing.stderr);
        List<String> lines = listing.stdout().lines().toList();
        assertEquals(4, lines.size(), listing.stdout());
        for (int i = 0; i < 3; i++) {
            String[] f = lines.get(i).split("\\|");
            assertEquals("kcat-cam", f[0]);
            assertEquals(String.valueOf(T0 + i * 40), f[1], "record timestamp = capture time");
            assertEquals("yolostream.type=frame", f[2]);
        }
        assertTrue(lines.get(3).startsWith("kcat-cam|"), lines.get(3));
        assertTrue(lines.get(3).contains("|yolostream.type=end-of-stream|"), lines.get(3));

        String frame = decodeWithPython(kafka, topic, 1);
        assertTrue(frame.contains("\"type\": \"Frame\""), frame);
        assertTrue(frame.contains(String.format("\"fingerprint\": \"%016x\"", FrameCodec.FRAME_FINGERPRINT)), frame);
        assertTrue(frame.contains("\"cameraId\": \"kcat-cam\""), frame);
        assertTrue(frame.contains("\"sequence\": 1"), frame);
        assertTrue(frame.contains("\"captureTime\": " + (T0 + 40)), frame);
        assertTrue(frame.contains("\"source\": \"REPLAY\""), frame);
        assertTrue(frame.contains("\"width\": 320") && frame.contains("\"height\": 240"), frame);
        assertTrue(frame.contains("\"imageBytes\": " + jpeg.length), frame);
        assertTrue(frame.contains("\"imageHead\": \"ffd8ff\""), "a JPEG: " + frame);

        String end = decodeWithPython(kafka, topic, 3);
        assertTrue(end.contains("\"type\": \"EndOfStream\""), end);
        assertTrue(end.contains("\"frames\": 3") && end.contains("\"lastSequence\": 2"), end);
    }

    /** kcat fetches the raw value at {@code offset}; read_frame.py decodes it. */
    private static String decodeWithPython(EmbeddedKafka kafka, String topic, long offset) throws Exception {
        Result value = run(List.of(KCAT.toString(), "-C", "-b", kafka.bootstrapServers(), "-t", topic, "-p", "0",
                "-o", String.valueOf(offset), "-c", "1", "-e", "-q", "-f", "%s"), null);
        assertEquals(0, value.exit, value.stderr);
        // the reader the docs show (docs/examples), run as a user would run it
        Path script = Path.of("../../docs/examples/read_frame.py").toAbsolutePath();
        Result decoded = run(List.of(PYTHON.toString(), script.toString(), AVSC_DIR.toString()), value.stdoutBytes);
        assertEquals(0, decoded.exit, decoded.stderr);
        return decoded.stdout();
    }

    private record Result(int exit, byte[] stdoutBytes, String stderr) {
        String stdout() {
            return new String(stdoutBytes, StandardCharsets.UTF_8);
        }
    }

    private static Result run(List<String> command, byte[] stdin) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(new ArrayList<>(command)).start();
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
