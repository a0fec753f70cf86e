package io.yolostream.deploy.cli;

import io.yolostream.detector.model.ModelException;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class YolostreamCommandTest {

    /** A test-only subcommand that fails the way real ones do. */
    @Command(name = "boom")
    static final class Boom implements Runnable {
        @CommandLine.Option(names = "--wrapped")
        boolean wrapped;

        @CommandLine.Option(names = "--bug")
        boolean bug;

        @Override
        public void run() {
            if (bug) {
                throw new IllegalStateException("a bug");
            }
            ModelException e = new ModelException("weights yolo.weights: expected 1000 floats, found 10");
            if (wrapped) {
                throw new RuntimeException(new ExecutionException(e));
            }
            throw e;
        }
    }

    private static CliResult run(String... args) {
        CommandLine cmd = YolostreamCommand.commandLine();
        cmd.addSubcommand("boom", new Boom());
        return CliResult.run(cmd, args);
    }

    @Test
    void helpListsSubcommands() {
        CliResult r = run("--help");
        assertEquals(0, r.exitCode());
        assertTrue(r.out().contains("Usage: yolostream"), r.out());
        assertTrue(r.out().contains("Commands:"), r.out());
        assertTrue(r.out().contains("help"), r.out());
    }

    /** A bare '%' in a description makes picocli print a WARN and show the raw text (format specifiers unapplied). */
    @Test
    void everyCommandsHelpRendersWithoutWarnings() {
        java.io.PrintStream saved = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        StringBuilder usage = new StringBuilder();
        System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            java.util.ArrayDeque<CommandLine> todo = new java.util.ArrayDeque<>(java.util.List.of(
                    YolostreamCommand.commandLine()));
            while (!todo.isEmpty()) {
                CommandLine c = todo.pop();
                usage.append(c.getUsageMessage());
                todo.addAll(c.getSubcommands().values());
            }
        } finally {
            System.setErr(saved);
        }
        String warnings = captured.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertFalse(warnings.contains("picocli WARN"), warnings);
        assertTrue(usage.toString().replaceAll("\\s+", " ").contains("10-30% of the detections missed"),
                "track-compare's help shows its percentage");
    }

    @Test
    void versionIsTheProjectVersion() {
        CliResult r = run("--version");
        assertEquals(0, r.exitCode());
        assertTrue(r.out().matches("yolostream \\d+\\.\\d+\\.\\d+.*\\R?"), r.out());
        assertFalse(r.out().contains("${"), "version.properties was not filtered: " + r.out());
    }

    @Test
    void noCommandIsAUsageError() {
        CliResult r = run();
        assertEquals(CommandLine.ExitCode.USAGE, r.exitCode());
        assertTrue(r.err().contains("missing COMMAND"), r.err());
        assertTrue(r.err().contains("Usage: yolostream"), r.err());
    }

    @Test
    void modelErrorIsOneLineWithExitCode2() {
        CliResult r = run("boom");
        assertEquals(2, r.exitCode());
        assertEquals("error: weights yolo.weights: expected 1000 floats, found 10", r.err().strip());
    }

    @Test
    void wrappedModelErrorIsFoundToo() {
        CliResult r = run("boom", "--wrapped");
        assertEquals(2, r.exitCode());
        assertEquals("error: weights yolo.weights: expected 1000 floats, found 10", r.err().strip());
    }

    @Test
    void otherErrorsKeepTheStackTrace() {
        CommandLine cmd = YolostreamCommand.commandLine();
        cmd.addSubcommand("boom", new Boom());
        StringWriter err = new StringWriter();
        cmd.setErr(new PrintWriter(err, true));
        // picocli's default for bugs: the exception propagates out of the handler and is printed with its trace.
        int code = cmd.execute("boom", "--bug");
        assertEquals(CommandLine.ExitCode.SOFTWARE, code);
        assertTrue(err.toString().contains("IllegalStateException: a bug"), err.toString());
        assertThrows(IllegalStateException.class, () -> new ModelErrorHandler()
                .handleExecutionException(new IllegalStateException("x"), cmd, null));
    }
}
