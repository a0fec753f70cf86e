package io.yolostream.deploy.cli;

import io.yolostream.deploy.track.TrackCost;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "bench-track", mixinStandardHelpOptions = true,
        description = {"Measures the tracker's cost per frame as the CPU time of this thread (one core; other "
                + "processes on the machine do not count): N objects moving through a "
                + "1280x720 frame at 5 frames/s with jitter, 10%% missed and a few false positives, each with a "
                + "15-node WordTree path (YOLO9000's depth).",
                "Rows: the tracker alone (Kalman, Hungarian, lifecycle, labels); the sinks' whole step (plus zones and "
                        + "lines, events, the Avro tracks record); saving the camera's state (the processor puts it "
                        + "in its changelogged store after every record); their sum, the processor's cost per record; "
                        + "and reading the state back (once per camera after a restart or rebalance). The goal is "
                        + "under 1 ms per frame for 50 objects."},
        footer = {"", "Examples:",
                "  yolostream bench-track",
                "  yolostream bench-track --objects 10,50,100 --frames 5000"})
final class BenchTrackCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--objects", defaultValue = "10,50,100", split = ",", paramLabel = "N[,N...]",
            description = "Objects per frame. Default: ${DEFAULT-VALUE}.")
    List<Integer> objects;

    @Option(names = "--frames", defaultValue = "3000", paramLabel = "N",
            description = "Frames measured per row (after as many for warm-up). Default: ${DEFAULT-VALUE}.")
    int frames;

    @Option(names = "--zones", defaultValue = "4", paramLabel = "N",
            description = "Zones and lines of the camera (half each). Default: ${DEFAULT-VALUE}.")
    int zones;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "per-frame cost (CPU time of one thread), %d frames each (after %d warm-up), "
                + "%d zones/lines, %s%n", frames, frames, zones, System.getProperty("java.vm.name") + " "
                + Runtime.version());
        out.println("| objects | part | mean µs | p50 µs | p99 µs | max µs |");
        out.println("|---:|---|---:|---:|---:|---:|");
        for (int n : objects) {
            if (n < 1 || n > 10_000) {
                throw new io.yolostream.deploy.track.TrackFileException("--objects: expected 1..10000, found " + n);
            }
        }
        // one unmeasured run first, so that every row runs compiled code (not only the later ones)
        TrackCost.measure(objects.stream().mapToInt(Integer::intValue).max().orElse(50), frames, zones);
        for (int n : objects) {
            for (TrackCost.Row r : TrackCost.measure(n, frames, zones)) {
                out.printf(Locale.ROOT, "| %d | %s | %.1f | %.1f | %.1f | %.1f |%n", n, r.part(), r.meanUs(),
                        r.p50Us(), r.p99Us(), r.maxUs());
            }
            out.flush();
        }
        return 0;
    }
}
