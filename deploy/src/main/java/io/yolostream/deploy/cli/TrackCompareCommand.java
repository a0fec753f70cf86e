package io.yolostream.deploy.cli;

import io.yolostream.deploy.track.PeerTracker;
import io.yolostream.deploy.track.SyntheticScenes;
import io.yolostream.deploy.track.TrackComparison;
import io.yolostream.deploy.track.TrackFileException;
import io.yolostream.sinks.track.TrackerParams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "track-compare", mixinStandardHelpOptions = true,
        description = {"Benchmarks the tracker against node-moving-things-tracker " + PeerTracker.VERSION
                + " (OpenDataCam's tracker, from npm) on synthetic scenes with ground truth: pedestrians crossing, "
                + "occluding one another and passing behind a pillar, cars turning and stopping, a crowd, fast cars; "
                + "10-30%% of the detections missed, false positives, jittered boxes; each scene at every --fps.",
                "Both trackers get the same MOTChallenge detection files; yolostream's through the same code as "
                        + "`yolostream track`, the peer as its README says (node main.js --mode motchallenge --input "
                        + "DETS.txt). Prints IDF1, MOTA and ID switches (IoU >= 0.5) of both per scene as a Markdown "
                        + "table, the means, and a ratio line. The peer is installed with npm into --peer-dir "
                        + "(never globally) unless it is there."},
        footer = {"", "Examples:",
                "  yolostream track-compare",
                "  yolostream track-compare --fps 5,2 --seed 7 --out comparison.md --keep work/"})
final class TrackCompareCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--fps", defaultValue = "25,5,2", split = ",", paramLabel = "F[,F...]",
            description = "Frame rates each scene is sampled at. Default: ${DEFAULT-VALUE}.")
    List<Double> fps;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "N",
            description = "Seed of the scenes (the same seed, the same files). Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--scenes", split = ",", paramLabel = "NAME[,NAME...]",
            description = "Some of: crossing, occlusion, turn-stop, crowd, fast. Default: all.")
    List<String> scenes;

    @Option(names = "--peer-dir", defaultValue = "${sys:user.home}/.cache/yolostream/peer-tracker", paramLabel = "DIR",
            description = "Where the peer is (or gets) installed. Default: ${DEFAULT-VALUE}.")
    Path peerDir;

    @Option(names = "--no-peer", description = "Only yolostream's scores (no node/npm needed).")
    boolean noPeer;

    @Option(names = "--node", defaultValue = "node", paramLabel = "CMD", description = "Default: ${DEFAULT-VALUE}.")
    String node;

    @Option(names = "--npm", defaultValue = "npm", paramLabel = "CMD", description = "Default: ${DEFAULT-VALUE}.")
    String npm;

    @Option(names = "--keep", paramLabel = "DIR",
            description = "Keep the scenes' files there (gt.txt, dets.txt, the peer's output), else a temporary dir.")
    Path keep;

    @Option(names = "--out", paramLabel = "FILE", description = "Also write the table there.")
    Path out;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter console = spec.commandLine().getOut();
        List<String> names = scenes == null ? SyntheticScenes.NAMES : scenes;
        for (String n : names) {
            if (!SyntheticScenes.NAMES.contains(n)) {
                throw new TrackFileException("--scenes: expected some of " + SyntheticScenes.NAMES + ", found '" + n
                        + "'");
            }
        }
        for (double f : fps) {
            if (!(f > 0 && f <= 100)) {
                throw new TrackFileException("--fps: expected rates in (0, 100], found " + f);
            }
        }
        PeerTracker peer = null;
        if (!noPeer) {
            if (!PeerTracker.available(node) || !PeerTracker.available(npm)) {
                throw new TrackFileException("peer tracker: expected node and npm on the PATH (or --node/--npm), found "
                        + (PeerTracker.available(node) ? npm : node) + " missing; --no-peer runs yolostream alone");
            }
            console.printf(Locale.ROOT, "peer: %s@%s in %s%n", PeerTracker.PACKAGE, PeerTracker.VERSION, peerDir);
            console.flush();
            peer = PeerTracker.install(peerDir, npm, node);
        }
        Path work = keep != null ? Files.createDirectories(keep) : Files.createTempDirectory("track-compare");
        List<SyntheticScenes.Scene> all = new ArrayList<>();
        for (String n : names) {
            for (double f : fps) {
                SyntheticScenes.Scene s = SyntheticScenes.scene(n, f, seed);
                all.add(s);
                if (keep != null) {
                    Path d = work.resolve(s.id().replace('@', '-'));
                    io.yolostream.deploy.track.MotFile.write(d.resolve("gt.txt"), s.gt());
                    io.yolostream.deploy.track.MotFile.write(d.resolve("dets.txt"), s.detections());
                }
            }
        }
        List<TrackComparison.Row> rows = TrackComparison.run(all, TrackerParams.DEFAULTS, peer, work);
        String table = TrackComparison.table(rows, peer == null ? "peer" : PeerTracker.PACKAGE);
        console.printf(Locale.ROOT, "%d scenes x %s fps, seed %d, %.0f s each; IoU >= 0.5%n", names.size(), fps, seed,
                SyntheticScenes.DURATION_S);
        console.print(table);
        if (peer != null) {
            console.println(TrackComparison.ratio(TrackComparison.summary(rows)));
        }
        console.flush();
        if (out != null) {
            Files.writeString(out, table, StandardCharsets.UTF_8);
        }
        return 0;
    }
}
