package io.yolostream.deploy.cli;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

/** What one {@code yolostream} command run in this JVM printed, and its exit code: the CLI tests' one runner. */
record CliResult(int exitCode, String out, String err) {

    static CliResult run(String... args) {
        return run(YolostreamCommand.commandLine(), args);
    }

    static CliResult run(CommandLine cmd, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int code = cmd.execute(args);
        return new CliResult(code, out.toString(), err.toString());
    }
}
