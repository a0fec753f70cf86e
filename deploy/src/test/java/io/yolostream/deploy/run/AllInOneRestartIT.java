package io.yolostream.deploy.run;

import io.yolostream.deploy.cli.YolostreamCommand;
import io.yolostream.ingest.source.TestVideos;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Restarts of {@code yolostream run} on one data dir, each a child JVM with the command's own logging: a start
 * stopped with SIGINT says what it stops and that it stopped cleanly, and the next start finds the sinks' stores up
 * to date (nothing restored from the changelogs: their offsets were committed into them at the stop) and logs no
 * ERROR; after a SIGKILL, the next start logs what it restored in one line, with no ERROR and no stack trace (before:
 * every restart logged "ERROR TaskManager: ... TaskCorruptedException: Tasks [0_0] are corrupted" and 40-60 lines of
 * stack trace).
 */
class AllInOneRestartIT {
    // a child JVM starts a broker, ingest, a model and the sinks: 60-80 s on 2 loaded cores (AllInOneCrashIT)
    private static final Duration WAIT = Duration.ofSeconds(180);
    private static final String STATE_LINE = "SinksService: sinks state: ";

    @Test
    void aCleanStopCommitsTheStoresAndACrashRestoresInOneLine(@TempDir Path dir) throws Exception {
        Path clip = TestVideos.record(dir.resolve("yard.mp4"), 160, 120, 25, 50, 300_000);
        AllInOneKit.Model model = AllInOneKit.model(dir.resolve("model"));
        Path data = dir.resolve("data");

        // 1. first start, frames counted by the sinks, then Ctrl-C
        Path log1 = dir.resolve("first.log");
        Process first = start(data, clip, model, log1);
        awaitLine(first, log1, STATE_LINE);
        awaitLine(first, log1, "yard #"); // detections of the clip's camera (its id is the file's base name)
        stopWithSigint(first, log1);
        String stopped = Files.readString(log1);
        assertTrue(stopped.contains("AllInOne: stopping: cameras (ingest), the detector, the sinks, the embedded"
                + " broker"), "says what it stops:\n" + tail(stopped));
        assertTrue(stopped.contains("SinksService: sinks stopped cleanly"), tail(stopped));
        assertTrue(stopped.contains("AllInOne: all-in-one stopped cleanly"), tail(stopped));
        assertClean(stopped, "the first run");

        // 2. after a clean stop: stores up to date, no ERROR; then SIGKILL while it runs
        Path log2 = dir.resolve("second.log");
        Process second = start(data, clip, model, log2);
        String state2 = awaitLine(second, log2, STATE_LINE);
        System.out.println("after a clean stop: " + state2);
        assertTrue(state2.contains("sinks state: stores up to date, resumed from their committed offsets"),
                "after a clean stop nothing is restored into the stores: " + state2);
        awaitLine(second, log2, "yard #"); // detections flow again: the sinks have work in flight when killed
        second.destroyForcibly();
        second.waitFor();
        assertClean(Files.readString(log2), "the start after a clean stop");

        // 3. after a crash: one line about the restore, no ERROR, no stack trace
        Path log3 = dir.resolve("third.log");
        Process third = start(data, clip, model, log3);
        String state3 = awaitLine(third, log3, STATE_LINE);
        System.out.println("after a SIGKILL: " + state3);
        assertTrue(state3.matches(".*sinks state: (restored \\d+ changelog records into .*|stores up to date.*)"),
                state3);
        stopWithSigint(third, log3);
        String crashed = Files.readString(log3);
        assertEquals(1, crashed.lines().filter(l -> l.contains(STATE_LINE)).count(), tail(crashed));
        assertClean(crashed, "the start after a SIGKILL");
        assertTrue(crashed.contains("AllInOne: all-in-one stopped cleanly"), tail(crashed));
    }

    private static void assertClean(String log, String which) {
        // the embedded KRaft controller reports its own overload on a busy machine ("controller event queue
        // overloaded", "Exceptionally slow controller event"): about the CPU, not about the restart. After a SIGKILL
        // the broker's group coordinator may start loading __consumer_offsets at the partition's old leader epoch and
        // report that load stopped ("not online or is no longer the leader") when the epoch moves on; it loads again
        // at the new epoch: about the broker's own start, not about the sinks' stores
        List<String> bad = log.lines().filter(l -> !l.contains("[QuorumController id="))
                .filter(l -> !(l.contains("CoordinatorRuntime: [GroupCoordinator id=")
                        && l.contains("because the partition is not online or is no longer the leader")))
                .filter(l -> l.matches("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} ERROR .*")
                || l.contains("TaskCorruptedException") || l.contains("are corrupted") || l.startsWith("\tat ")
                || l.contains("did not find checkpoint offsets")).toList();
        assertTrue(bad.isEmpty(), which + " logged errors or stack traces:\n" + String.join("\n", bad));
    }

    private Process start(Path data, Path clip, AllInOneKit.Model model, Path log) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-cp", System.getProperty("java.class.path"), YolostreamCommand.class.getName(),
                "run", "--data-dir", data.toString(), "--camera", clip.toString(), "--port-base", "0",
                "--duration", "600", "--subscribe", String.join(",", AllInOneKit.LABELS)));
        cmd.addAll(model.flags());
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** SIGINT, as Ctrl-C sends it (Process.destroy sends SIGTERM); waits for the exit. */
    private static void stopWithSigint(Process p, Path log) throws Exception {
        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).inheritIO().start();
        assertEquals(0, kill.waitFor(), "kill -INT");
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("no exit within 120 s of SIGINT:\n" + tail(Files.readString(log)));
        }
        // 128 + SIGINT, the JVM's exit status for a stop by that signal (its shutdown hooks done)
        assertEquals(130, p.exitValue(), tail(Files.readString(log)));
    }

    /** Waits for a log line containing {@code text}; returns it. Fails early (with the log) if the child exits. */
    private static String awaitLine(Process child, Path log, String text) {
        System.out.printf("%tT waiting for '%s' in %s%n", System.currentTimeMillis(), text, log.getFileName());
        try {
            return org.awaitility.Awaitility.await(text).atMost(WAIT).pollInterval(Duration.ofMillis(250))
                    .failFast("the all-in-one exited", () -> !child.isAlive())
                    .until(() -> Files.readAllLines(log).stream().filter(l -> l.contains(text)).findFirst(),
                            java.util.Optional::isPresent).orElseThrow();
        } catch (org.awaitility.core.ConditionTimeoutException | org.awaitility.core.TerminalFailureException e) {
            child.destroyForcibly();
            try {
                fail(e.getMessage() + ":\n" + tail(Files.readString(log)));
            } catch (IOException io) {
                fail(e.getMessage() + " (no log: " + io + ")");
            }
            return null;
        }
    }

    private static String tail(String log) {
        List<String> lines = log.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }
}
