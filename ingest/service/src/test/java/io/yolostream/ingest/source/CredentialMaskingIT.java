package io.yolostream.ingest.source;

import io.yolostream.ingest.testkit.RtspTestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static io.yolostream.ingest.source.CameraWorkerIT.WAIT;
import static io.yolostream.ingest.source.CameraWorkerIT.awaitStats;
import static io.yolostream.ingest.source.CameraWorkerIT.camera;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Camera credentials never reach a log line or a status, whatever happens to the camera. */
class CredentialMaskingIT {
    private static final String SECRET = "secret";

    /** Every log record of the JVM, as text: message, parameters and the stack trace of any exception. */
    static final class CapturingHandler extends Handler {
        final List<String> records = new ArrayList<>();

        @Override
        public synchronized void publish(LogRecord record) {
            StringBuilder text = new StringBuilder(record.getLoggerName() + " " + record.getLevel() + " "
                    + record.getMessage());
            if (record.getParameters() != null) {
                text.append(' ').append(Arrays.toString(record.getParameters()));
            }
            if (record.getThrown() != null) {
                StringWriter trace = new StringWriter();
                record.getThrown().printStackTrace(new PrintWriter(trace));
                text.append('\n').append(trace);
            }
            records.add(text.toString());
        }

        synchronized List<String> records() {
            return List.copyOf(records);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    private final Logger root = Logger.getLogger("");
    private final CapturingHandler capture = new CapturingHandler();
    private Level rootLevel;

    @BeforeEach
    void captureEverything() {
        rootLevel = root.getLevel();
        root.setLevel(Level.ALL);
        capture.setLevel(Level.ALL);
        root.addHandler(capture);
    }

    @AfterEach
    void restore() {
        root.removeHandler(capture);
        root.setLevel(rootLevel);
    }

    @Test
    void credentialsNeverAppearInLogsOrStatus() throws Exception {
        RecordingFrameSink sink = new RecordingFrameSink();
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        List<CameraStats> statuses = new ArrayList<>();
        try (RtspTestServer server = RtspTestServer.live(25, 320, 240, "viewer", "secret-pass");
             CameraWorker good = camera("good", server.url("viewer", "secret-pass"), sink);
             CameraWorker wrongPassword = camera("wrong-password", server.url("viewer", "wrong-secret"), sink);
             CameraWorker nobodyHome = camera("nobody-home", "rtsp://user:secret@127.0.0.1:" + closedPort + "/x",
                     sink)) {
            String first = sink.awaitFrames("good", 5, WAIT).get(0).sessionId();
            statuses.add(awaitStats(wrongPassword, s -> s.reconnects() >= 2 && s.lastError() != null, "retries"));
            statuses.add(awaitStats(nobodyHome, s -> s.reconnects() >= 2 && s.lastError() != null, "retries"));
            assertTrue(statuses.get(0).lastError().contains("401 Unauthorized"), statuses.get(0).lastError());

            // the good camera loses its stream and reconnects: those log lines carry its URL too
            server.restart();
            sink.awaitFrames("good", f -> !f.sessionId().equals(first), 3, WAIT);
            statuses.add(good.snapshot());
        }

        List<String> logged = capture.records();
        assertTrue(logged.stream().anyMatch(r -> r.contains("rtsp://***:***@127.0.0.1")),
                "the capture saw the cameras' (masked) URLs: " + logged);
        for (String record : logged) {
            assertFalse(record.contains(SECRET), "a log record shows a credential: " + record);
        }
        for (CameraStats stats : statuses) {
            assertFalse(stats.toString().contains(SECRET), "a status shows a credential: " + stats);
            assertTrue(stats.url().contains("***:***@"), stats.url());
        }
    }

    /** Passwords with '@', ':' and percent-encoding, and secrets in the query string, against the real server. */
    @Test
    void passwordsWithAtColonAndPercentEncodingAndSecretParametersAreMasked() throws Exception {
        RecordingFrameSink sink = new RecordingFrameSink();
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        List<CameraStats> statuses = new ArrayList<>();
        String password = "p@ss:w0rd";
        try (RtspTestServer server = RtspTestServer.live(25, 320, 240, "viewer", password);
             CameraWorker raw = camera("raw", server.url("viewer", password), sink);
             CameraWorker encoded = camera("encoded", server.url("viewer", "p%40ss%3Aw0rd"), sink);
             CameraWorker wrong = camera("wrong", server.url("viewer", "wr@ng:pa%40ss"), sink);
             CameraWorker query = camera("query", "rtsp://127.0.0.1:" + closedPort
                     + "/x?token=s3cret-tok&password=s3cret-pw&channel=1", sink)) {
            // ffmpeg reads the user info up to the last '@' (and decodes it): both forms log in
            sink.awaitFrames("raw", 3, WAIT);
            sink.awaitFrames("encoded", 3, WAIT);
            statuses.add(awaitStats(wrong, s -> s.reconnects() >= 1 && s.lastError() != null, "retries"));
            statuses.add(awaitStats(query, s -> s.reconnects() >= 1 && s.lastError() != null, "retries"));
            statuses.add(raw.snapshot());
            statuses.add(encoded.snapshot());
        }
        List<String> logged = capture.records();
        assertTrue(logged.stream().anyMatch(r -> r.contains("rtsp://***:***@127.0.0.1")), logged.toString());
        for (String record : logged) {
            for (String secret : List.of("p@ss", "w0rd", "p%40ss", "wr@ng", "s3cret")) {
                assertFalse(record.contains(secret), "a log record shows " + secret + ": " + record);
            }
        }
        for (CameraStats stats : statuses) {
            for (String secret : List.of("p@ss", "w0rd", "p%40ss", "wr@ng", "s3cret")) {
                assertFalse(stats.toString().contains(secret), "a status shows " + secret + ": " + stats);
            }
        }
        assertTrue(statuses.get(1).url().endsWith("/x?token=***&password=***&channel=1"), statuses.get(1).url());
    }
}
