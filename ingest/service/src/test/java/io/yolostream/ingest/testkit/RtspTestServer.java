package io.yolostream.ingest.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real RTSP server for integration tests: Debian's gst-rtsp-server driven by {@code rtsp/rtsp_server.py} under
 * {@code /usr/bin/python3} (packages gstreamer1.0-rtsp, gir1.2-gst-rtsp-server-1.0, python3-gi, python3-gst-1.0,
 * gstreamer1.0-plugins-base/-good/-bad; see .ci/run). It serves one mount point, {@code /cam}: a recorded MP4
 * (H.264) in a loop, or an endless live test pattern, optionally behind Basic authentication.
 *
 * <pre>{@code
 * try (RtspTestServer server = RtspTestServer.live(25, 640, 360)) {
 *     String url = server.url();                       // rtsp://127.0.0.1:<port>/cam
 *     server.kill(); server.restart();                 // connection lost, then back on the same port
 *     server.freeze(); ... server.thaw();              // SIGSTOP / SIGCONT: a stalled server
 * }
 * }</pre>
 */
public final class RtspTestServer implements AutoCloseable {
    private static final String PYTHON = "/usr/bin/python3"; // the Debian one: it has the gi bindings
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final List<String> sourceArgs;
    private final String user;
    private final String password;
    private final int port;
    private final Path log;
    private Process process;
    private int launches;

    private RtspTestServer(List<String> sourceArgs, String user, String password) {
        this.sourceArgs = sourceArgs;
        this.user = user;
        this.password = password;
        this.port = freePort();
        try {
            this.log = Files.createTempFile("rtsp-server-", ".log");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        launch();
    }

    /** Serves {@code mp4} (H.264) in a loop at its own frame rate; every client starts at its first frame. */
    public static RtspTestServer file(Path mp4) {
        return new RtspTestServer(List.of("--file", mp4.toAbsolutePath().toString()), null, null);
    }

    /** Like {@link #file(Path)}, behind Basic authentication. */
    public static RtspTestServer file(Path mp4, String user, String password) {
        return new RtspTestServer(List.of("--file", mp4.toAbsolutePath().toString()), user, password);
    }

    /** An endless live test pattern (a moving ball) encoded to H.264 as it plays, key frame every second. */
    public static RtspTestServer live(int fps, int width, int height) {
        return new RtspTestServer(liveArgs(fps, width, height), null, null);
    }

    /** Like {@link #live(int, int, int)}, behind Basic authentication. */
    public static RtspTestServer live(int fps, int width, int height, String user, String password) {
        return new RtspTestServer(liveArgs(fps, width, height), user, password);
    }

    private static List<String> liveArgs(int fps, int width, int height) {
        return List.of("--live", "--fps", Integer.toString(fps), "--width", Integer.toString(width), "--height",
                Integer.toString(height));
    }

    /** The stream's URL, without credentials. */
    public String url() {
        return "rtsp://127.0.0.1:" + port + "/cam";
    }

    /** The stream's URL with the given credentials in it ({@code rtsp://user:password@...}). */
    public String url(String user, String password) {
        return "rtsp://" + user + ":" + password + "@127.0.0.1:" + port + "/cam";
    }

    /** The stream's URL with the server's own credentials (the plain URL when it has none). */
    public String authorizedUrl() {
        return user == null ? url() : url(user, password);
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL: connections drop at once, as when a camera loses power. */
    public void kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("RTSP server " + pid() + " still alive 10 s after SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while killing the RTSP server", e);
        }
    }

    /** SIGSTOP: connections stay open but nothing more arrives, as with a hung camera. */
    public void freeze() {
        signal("STOP");
    }

    /** SIGCONT after {@link #freeze()}. */
    public void thaw() {
        signal("CONT");
    }

    /** Kills the server if it runs and starts it again on the same port with the same source and credentials. */
    public void restart() {
        if (process.isAlive()) {
            thaw(); // a stopped process still dies on SIGKILL, but its sockets only go once it is reaped
            kill();
        }
        launch();
    }

    /** The server's own output so far (for failure messages). */
    public String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            kill();
        }
        try {
            Files.deleteIfExists(log);
        } catch (IOException e) {
            // a temp file: nothing to do
        }
    }

    private void launch() {
        List<String> command = new ArrayList<>(List.of(PYTHON, script().toString(), "--port", Integer.toString(port)));
        command.addAll(sourceArgs);
        if (user != null) {
            command.addAll(List.of("--user", user, "--password", password));
        }
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the RTSP test server (" + PYTHON + " with gst-rtsp-server;"
                    + " see .ci/run for the Debian packages): " + e.getMessage(), e);
        }
        launches++;
        awaitListening();
    }

    private void awaitListening() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the RTSP test server exited with code " + process.exitValue()
                        + " instead of listening on port " + port + "; its output:\n" + output());
            }
            // the log is appended across restarts: wait for this launch's READY line
            if (output().split("READY " + port, -1).length > launches && accepts()) {
                return;
            }
            sleep(50);
        }
        process.destroyForcibly();
        throw new IllegalStateException("the RTSP test server did not listen on port " + port + " within "
                + START_TIMEOUT.toSeconds() + " s; its output:\n" + output());
    }

    private boolean accepts() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void signal(String signal) {
        try {
            // the shell's builtin kill: no procps needed
            Process kill = new ProcessBuilder("/bin/sh", "-c", "kill -" + signal + " " + pid()).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending SIG" + signal, e);
        }
    }

    /** The Python script: straight from the classpath directory, or copied out of a test-jar. */
    private static Path script() {
        URL resource = RtspTestServer.class.getResource("/rtsp/rtsp_server.py");
        if (resource == null) {
            throw new IllegalStateException("rtsp/rtsp_server.py is not on the test classpath");
        }
        try {
            if ("file".equals(resource.getProtocol())) {
                return Path.of(resource.toURI());
            }
            Path copy = Files.createTempFile("rtsp_server", ".py");
            copy.toFile().deleteOnExit();
            try (InputStream in = resource.openStream()) {
                Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
            }
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the RTSP server", e);
        }
    }
}
