package io.yolostream.deploy.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code yolostream} root command. It does nothing itself: it only lists the subcommands and sets the
 * process-wide error policy (see {@link ModelErrorHandler}). Started by the {@code yolostream} launcher script.
 */
@Command(
        name = "yolostream",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Streaming YOLOv2 / YOLO9000 detection on Kafka.",
        synopsisSubcommandLabel = "COMMAND",
        // The one place where subcommands are registered: add new ones here.
        subcommands = {
                HelpCommand.class,
                ConvertCommand.class,
                CompareCommand.class,
                DetectImageCommand.class,
                BenchCommand.class,
                BenchIngestCommand.class,
                BenchPipelineCommand.class,
                RunCommand.class,
                ReplayCommand.class,
                TrackCommand.class,
                TrackEvalCommand.class,
                TrackCompareCommand.class,
                BenchTrackCommand.class,
                ModelsCommand.class,
        })
public final class YolostreamCommand implements Runnable {

    @Spec
    CommandSpec spec;

    /** {@code yolostream} with no subcommand: print the usage (which lists the subcommands) and fail. */
    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing COMMAND");
    }

    /** The configured command line: what {@link #main} runs, and what tests drive. */
    public static CommandLine commandLine() {
        return new CommandLine(new YolostreamCommand())
                .addSubcommand("ingest", IngestCommand.commandLine())
                .addSubcommand("detect", DetectCommand.commandLine())
                .addSubcommand("sinks", SinksCommand.commandLine())
                .setExecutionExceptionHandler(new ModelErrorHandler());
    }

    public static void main(String[] args) {
        // before the first logger: a log manager that still logs while a Ctrl-C'd command stops (not with a user's
        // own logging configuration: its file handlers must be closed at exit)
        if (System.getProperty("java.util.logging.manager") == null
                && System.getProperty("java.util.logging.config.file") == null
                && System.getProperty("java.util.logging.config.class") == null) {
            System.setProperty("java.util.logging.manager", ShutdownLogManager.class.getName());
        }
        LogSetup.install();
        System.exit(commandLine().execute(args));
    }
}
