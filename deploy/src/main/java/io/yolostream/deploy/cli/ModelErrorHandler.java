package io.yolostream.deploy.cli;

import io.yolostream.config.ConfigException;
import io.yolostream.deploy.track.TrackFileException;
import io.yolostream.detector.model.ModelException;
import io.yolostream.detector.service.DetectException;
import io.yolostream.ingest.IngestException;
import io.yolostream.kafka.KafkaSetupException;
import io.yolostream.schema.SchemaException;
import io.yolostream.sinks.common.SinksException;
import io.yolostream.wordtree.WordTreeException;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine;

/**
 * Turns a user's error — {@link ModelException}, {@link IngestException}, {@link ConfigException}, an unreachable
 * Kafka ({@link KafkaSetupException}), a bad tree file ({@link WordTreeException}) and the like (bad input
 * files, sizes, configuration, unreachable sources: the user's to fix) — into one line
 * {@code error: <message>} on stderr and exit code {@value #MODEL_ERROR_EXIT_CODE}, without a stack trace.
 * Anything else is a bug in yolostream and keeps picocli's default: stack trace, exit code 1.
 */
final class ModelErrorHandler implements IExecutionExceptionHandler {
    static final int MODEL_ERROR_EXIT_CODE = 2;

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) throws Exception {
        RuntimeException modelError = findUserError(ex);
        if (modelError == null) {
            throw ex;
        }
        cmd.getErr().println("error: " + modelError.getMessage());
        cmd.getErr().flush();
        return MODEL_ERROR_EXIT_CODE;
    }

    /** Also looks through wrappers (e.g. an ExecutionException from a worker thread). */
    private static RuntimeException findUserError(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ModelException || c instanceof IngestException || c instanceof ConfigException
                    || c instanceof DetectException || c instanceof SinksException || c instanceof KafkaSetupException
                    || c instanceof SchemaException || c instanceof WordTreeException
                    || c instanceof TrackFileException) {
                return (RuntimeException) c;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return null;
    }
}
