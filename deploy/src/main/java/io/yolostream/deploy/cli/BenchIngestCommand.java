package io.yolostream.deploy.cli;

import io.yolostream.ingest.source.IngestBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "bench-ingest", mixinStandardHelpOptions = true,
        description = {"Decode a video and JPEG-encode the sampled frames as ingest does, and run the ffmpeg program "
                + "that JavaCV ships on the same file doing the same work (-r N -f image2pipe -c:v mjpeg) in the same "
                + "run, in turns; prints frames/s of both, the ratio, and how many such cameras one core carries."},
        footer = {"", "Example:", "  yolostream bench-ingest street-1080p.mp4 --fps 5"})
final class BenchIngestCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "Video file.")
    Path file;

    @Option(names = "--fps", defaultValue = "5", description = "Sampled frames per second. Default: ${DEFAULT-VALUE}.")
    double fps;

    @Option(names = "--quality", defaultValue = "85", description = "JPEG quality. Default: ${DEFAULT-VALUE}.")
    int quality;

    @Option(names = "--rounds", defaultValue = "3", description = "Rounds per contender (median reported). Default: ${DEFAULT-VALUE}.")
    int rounds;

    @Option(names = "--no-single-thread", description = "Skip the single-threaded ingest pass (cameras per core).")
    boolean noSingleThread;

    @Override
    public Integer call() {
        IngestBench.Result r = new IngestBench(file, fps, quality).run(rounds, !noSingleThread);
        spec.commandLine().getOut().print(r.format());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
