package io.yolostream.ingest.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A third-party RTSP server that serves RTP over UDP only: Debian's VLC ({@code vlc-bin}, {@code cvlc}) streaming a
 * clip in a loop with {@code --sout '#rtp{sdp=rtsp://127.0.0.1:PORT/x}'}. Its RTSP server answers a SETUP asking for
 * interleaved TCP with {@code 461 Unsupported transport}, as many cameras and restreamers do. VLC refuses to run as
 * root, so as root it runs as {@code nobody} (through {@code runuser}) on a world-readable copy of the clip.
 */
public final class VlcRtspServer implements AutoCloseable {
    public static final Path CVLC = Path.of("/usr/bin/cvlc");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final int port;
    private final Path clip;
    private final Path log;
    private final Process process;

    private VlcRtspServer(Path mp4) throws IOException {
        this.port = freePort();
        this.clip = Files.createTempFile("vlc-clip-", ".mp4");
        Files.copy(mp4, clip, StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(clip, PosixFilePermissions.fromString("rw-r--r--"));
        this.log = Files.createTempFile("vlc-rtsp-", ".log");
        List<String> cmd = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            cmd.addAll(List.of("runuser", "-u", "nobody", "--"));
        }
        cmd.addAll(List.of(CVLC.toString(), "-I", "dummy", "--no-audio", "--loop", clip.toString(), "--sout",
                "#rtp{sdp=rtsp://127.0.0.1:" + port + "/x}", "--sout-keep"));
        this.process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        awaitListening();
    }

    /** Serves {@code mp4} (H.264) in a loop over RTSP with RTP over UDP only. */
    public static VlcRtspServer udpOnly(Path mp4) {
        try {
            return new VlcRtspServer(mp4);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Null when VLC can run here, else why not (one line, for a skipped test). */
    public static String unavailable() {
        return Files.isExecutable(CVLC) ? null
                : "VLC (Debian's vlc-bin, the UDP-only RTSP server) is not installed: apt-get install vlc-bin"
                + " vlc-plugin-base (.ci/run does)";
    }

    public String url() {
        return "rtsp://127.0.0.1:" + port + "/x";
    }

    private void awaitListening() throws IOException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("cvlc exited (" + process.exitValue() + "): " + Files.readString(log));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                return;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
        close();
        throw new IllegalStateException("cvlc did not listen on " + port + " within " + START_TIMEOUT + ": "
                + Files.readString(log));
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        // runuser passes SIGTERM on to vlc
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            Files.deleteIfExists(clip);
            Files.deleteIfExists(log);
        } catch (IOException ignored) {
            // temp files
        }
    }
}
