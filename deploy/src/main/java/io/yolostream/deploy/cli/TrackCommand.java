package io.yolostream.deploy.cli;

import io.yolostream.deploy.track.DetectionLines;
import io.yolostream.deploy.track.MotFile;
import io.yolostream.deploy.track.MotRow;
import io.yolostream.deploy.track.OfflineTracking;
import io.yolostream.deploy.track.TrackFileException;
import io.yolostream.detector.avro.Detection;
import io.yolostream.sinks.avro.TrackEvent;
import io.yolostream.sinks.avro.TrackedObject;
import io.yolostream.sinks.common.Durations;
import io.yolostream.sinks.config.SinksConfig;
import io.yolostream.sinks.tracking.CameraTracker;
import io.yolostream.sinks.tracking.TrackJson;
import io.yolostream.sinks.tracking.Tracking;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

@Command(name = "track", mixinStandardHelpOptions = true,
        description = {"Runs the sinks' tracker over a file of detections: the same code as the tracks and events "
                + "topics (Kalman filter on capture time, Hungarian assignment, second association of low-score "
                + "detections, hierarchical labels, zones and lines).",
                "Input (--format): motchallenge, lines 'frame,-1,left,top,width,height,conf,-1,-1,-1' (frames from 1, "
                        + "--fps gives their times); or jsonl, the JSON Lines that `yolostream replay --out` writes "
                        + "(capture times and WordTree paths from the records).",
                "Output (--out-format, default the input's): motchallenge, 'frame,id,left,top,width,height,conf,-1,-1,"
                        + "-1' with numeric ids (each track matched in a frame, and tracks lost for at most --coast "
                        + "at their predicted box); or jsonl, one line per frame as on the tracks.json topic with the "
                        + "frame's events in \"events\". --events writes every event as on events.json.",
                "Score the result against ground truth with `yolostream track-eval`."},
        footer = {"", "Examples:",
                "  yolostream track --format motchallenge --fps 25 --in det.txt --out tracks.txt",
                "  yolostream track --format jsonl --in parking.jsonl --out parking-tracks.jsonl --zones zones.json "
                        + "--events parking-events.jsonl",
                "  yolostream track --format jsonl --in dogs.jsonl --out dogs.txt --out-format motchallenge "
                        + "--tree 9k --subscribe dog"})
final class TrackCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--format", defaultValue = "motchallenge", paramLabel = "motchallenge|jsonl",
            description = "Input format. Default: ${DEFAULT-VALUE}.")
    String format;

    @Option(names = "--in", required = true, paramLabel = "FILE", description = "The detections.")
    Path in;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where the tracks go.")
    Path out;

    @Option(names = "--out-format", paramLabel = "motchallenge|jsonl", description = "Default: the input's format.")
    String outFormat;

    @Option(names = "--fps", paramLabel = "F", description = "Frames per second of a motchallenge input (required "
            + "for it): frame n is captured at (n - 1) / F s.")
    Double fps;

    @Option(names = "--frames", paramLabel = "N",
            description = "Frames of a motchallenge input (default: its last frame with a detection).")
    Integer frames;

    @Option(names = "--camera", paramLabel = "ID",
            description = "Camera id of a motchallenge input, for --zones and ids (default: the file name).")
    String camera;

    @Option(names = "--coast", defaultValue = "500ms", paramLabel = "DURATION",
            description = "motchallenge output: lost tracks are written for this long. Default: ${DEFAULT-VALUE}.")
    String coast;

    @Option(names = "--events", paramLabel = "FILE", description = "Also write every event as JSON Lines.")
    Path events;

    @Option(names = "--zones", paramLabel = "FILE", description = "Zones and lines (the sinks' zones file format).")
    String zones;

    @Option(names = "--tree", paramLabel = "9k|FILE",
            description = "WordTree for the labels: 9k (YOLO9000's, shipped with yolostream) or a darknet .tree file.")
    String tree;

    @Option(names = "--names", paramLabel = "FILE", description = "Names of a .tree file's nodes (9k has its own).")
    String names;

    @Option(names = "--map", paramLabel = "voc|coco|FILE", description = "Places a flat model's classes on the tree.")
    String map;

    @Option(names = "--subscribe", paramLabel = "NODES",
            description = "Report only tracks whose label reaches one of these nodes (as the sinks' --subscribe).")
    String subscribe;

    @Option(names = "--track-high-score", paramLabel = "P", description = "As the sinks' key (default 0.5).")
    String highScore;

    @Option(names = "--track-low-score", paramLabel = "P", description = "As the sinks' key (default 0.1).")
    String lowScore;

    @Option(names = "--track-confirm-hits", paramLabel = "N", description = "As the sinks' key (default 3).")
    String confirmHits;

    @Option(names = "--track-lost-timeout", paramLabel = "DURATION", description = "As the sinks' key (default 3s).")
    String lostTimeout;

    @Option(names = "--track-label-threshold", paramLabel = "P", description = "As the sinks' key (default 0.6).")
    String labelThreshold;

    @Override
    public Integer call() {
        PrintWriter console = spec.commandLine().getOut();
        String inFormat = format(format, "--format");
        String outputFormat = outFormat == null ? inFormat : format(outFormat, "--out-format");
        Duration coastFor = Durations.parse(coast);
        if (coastFor == null) {
            throw new TrackFileException("--coast: expected a duration like 500ms or 1s, found '" + coast + "'");
        }
        // the sinks' own keys and checks (one place for defaults and messages)
        Map<String, String> flags = new LinkedHashMap<>();
        put(flags, "tree", tree);
        put(flags, "names", names);
        put(flags, "map", map);
        put(flags, "subscribe", subscribe);
        put(flags, "zones", zones);
        put(flags, "track-high-score", highScore);
        put(flags, "track-low-score", lowScore);
        put(flags, "track-confirm-hits", confirmHits);
        put(flags, "track-lost-timeout", lostTimeout);
        put(flags, "track-label-threshold", labelThreshold);
        SinksConfig c = SinksConfig.resolve(new java.util.Properties(), Map.of(), flags);
        Tracking tracking = new Tracking(c.trackerParams(), c.hierarchy(), c.subscriptions(), Long.MAX_VALUE);

        List<Detection> records;
        if (inFormat.equals("motchallenge")) {
            if (fps == null) {
                throw new TrackFileException("--fps: expected the frame rate of the motchallenge input, found none");
            }
            String id = camera != null ? camera : in.getFileName().toString().replaceFirst("\\.[^.]*$", "");
            records = OfflineTracking.fromMot(MotFile.read(in), fps, frames == null ? 0 : frames, id);
        } else {
            if (!Files.isRegularFile(in)) {
                throw new TrackFileException("--in: expected a JSON Lines file, found no file " + in);
            }
            records = DetectionLines.read(in);
        }
        OfflineTracking.Run run = OfflineTracking.run(records, tracking, c.configZones());
        if (outputFormat.equals("motchallenge")) {
            MotFile.write(out, OfflineTracking.toMot(run.frames(), coastFor.toMillis()));
        } else {
            writeLines(out, run);
        }
        if (events != null) {
            List<byte[]> lines = new ArrayList<>();
            run.events().forEach(e -> lines.add(TrackJson.toBytes(e)));
            write(events, lines);
        }
        summary(console, records.size(), run);
        return 0;
    }

    private static void put(Map<String, String> flags, String key, String value) {
        if (value != null) {
            flags.put(key, value);
        }
    }

    private static String format(String f, String option) {
        String v = f.strip().toLowerCase(Locale.ROOT);
        if (!v.equals("motchallenge") && !v.equals("jsonl")) {
            throw new TrackFileException(option + ": expected motchallenge or jsonl, found '" + f + "'");
        }
        return v;
    }

    private static void writeLines(Path file, OfflineTracking.Run run) {
        List<byte[]> lines = new ArrayList<>();
        for (CameraTracker.Result r : run.frames()) {
            var json = TrackJson.toJson(r.frame());
            var ev = json.putArray("events");
            r.events().forEach(e -> ev.add(TrackJson.toJson(e)));
            lines.add(json.toString().getBytes(StandardCharsets.UTF_8));
        }
        write(file, lines);
    }

    private static void write(Path file, List<byte[]> lines) {
        try {
            if (file.toAbsolutePath().getParent() != null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
            }
            try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                for (byte[] l : lines) {
                    w.write(new String(l, StandardCharsets.UTF_8));
                    w.write('\n');
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("output " + file + ": " + e.getMessage(), e);
        }
    }

    private void summary(PrintWriter out, int records, OfflineTracking.Run run) {
        Map<String, String> labels = new TreeMap<>();
        for (CameraTracker.Result r : run.frames()) {
            for (TrackedObject t : r.frame().getTracks()) {
                labels.put(t.getTrackId(), t.getLabel() == null ? "-" : t.getLabel());
            }
        }
        Map<String, Long> kinds = new TreeMap<>();
        for (TrackEvent e : run.events()) {
            kinds.merge(e.getKind().name().toLowerCase(Locale.ROOT), 1L, Long::sum);
        }
        Map<String, Long> perLabel = new TreeMap<>();
        labels.values().forEach(l -> perLabel.merge(l, 1L, Long::sum));
        out.printf(Locale.ROOT, "tracked %d frames of %s%n", records, in);
        out.printf(Locale.ROOT, "  tracks   %d (%s)%n", labels.size(), perLabel.isEmpty() ? "none" : perLabel.toString()
                .replaceAll("[{}]", "").replace("=", " "));
        out.printf(Locale.ROOT, "  events   %s%n", kinds.isEmpty() ? "none" : kinds.toString().replaceAll("[{}]", "")
                .replace("=", " "));
        out.printf(Locale.ROOT, "  output   %s%s%n", this.out, events == null ? "" : ", events " + events);
        out.flush();
    }
}
