package io.yolostream.detector.conformance;

import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs pjreddie darknet's {@code detector valid} and reads what it writes: per class name (here the class index),
 * {@code results/comp4_det_test_<name>.txt} with one line per box and class left after NMS, {@code image prob xmin
 * ymin xmax ymax} ({@code %f}; pixels, 1-based, clipped to [1, size]). {@code valid} uses threshold 0.005, hierarchy
 * threshold 0.5 and NMS 0.45 (fixed in darknet's code), reads its images with 4 loader threads (fewer than 4 images
 * crash it: it starts a thread per slot whatever the list's length) and needs no display.
 */
final class DarknetRun {
    static final float THRESH = 0.005f;
    static final float HIER_THRESH = 0.5f;
    static final float NMS = 0.45f;
    private static final long TIMEOUT_MINUTES = 10;

    private DarknetRun() {
    }

    /** The darknet binary on the PATH; skips the test without it, fails under CI=true. */
    static Path binary() {
        Path found = null;
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, "darknet");
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                found = p;
                break;
            }
        }
        String why = "darknet not installed (apt-get install -y darknet; .ci/run does): conformance not checked";
        if ("true".equals(System.getenv("CI"))) {
            assertTrue(found != null, why);
        }
        Assumptions.assumeTrue(found != null, why);
        return found;
    }

    /** The files one {@code detector valid} run reads and writes. */
    record Job(String tag, Path data, Path results, int classes) {
    }

    /**
     * Writes the image list and the data file for one run in {@code dir}. Classes are named by index: valid writes
     * one file per class name, and 9k.names repeats some.
     */
    static Job prepare(Path dir, String tag, List<Path> images, int classes) throws IOException {
        if (images.size() < 4) {
            throw new IllegalArgumentException("darknet's valid needs at least 4 images, found " + images.size());
        }
        Path list = dir.resolve(tag + ".list");
        Files.write(list, images.stream().map(p -> p.toAbsolutePath().toString()).toList());
        Path names = dir.resolve(tag + ".indices");
        Files.write(names, IntStream.range(0, classes).mapToObj(Integer::toString).toList());
        Path results = Files.createDirectories(dir.resolve(tag + "-results"));
        Path data = dir.resolve(tag + ".data");
        Files.writeString(data, "classes=" + classes + "\nvalid=" + list.toAbsolutePath() + "\nnames="
                + names.toAbsolutePath() + "\nresults=" + results.toAbsolutePath() + "\neval=voc\n");
        return new Job(tag, data, results, classes);
    }

    /** Runs {@code darknet detector valid} in {@code dir} (the cfg's tree= and map= paths resolve against it). */
    static List<Conformance.Box> run(Path binary, Path dir, Job job, Path cfg, Path weights)
            throws IOException, InterruptedException {
        Path log = dir.resolve(job.tag() + ".log");
        Process p = new ProcessBuilder(binary.toString(), "detector", "valid", job.data().toAbsolutePath().toString(),
                cfg.toAbsolutePath().toString(), weights.toAbsolutePath().toString())
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            fail("darknet detector valid (" + job.tag() + ") still running after " + TIMEOUT_MINUTES + " min; log "
                    + log);
        }
        assertEquals(0, p.exitValue(), () -> "darknet detector valid (" + job.tag() + ") failed; last lines of its"
                + " output:\n" + tail(log));
        return read(job);
    }

    /** Valid's per-class files as boxes, {@code image prob xmin ymin xmax ymax} with the class from the file name. */
    static List<Conformance.Box> read(Job job) throws IOException {
        List<Conformance.Box> boxes = new ArrayList<>();
        for (int c = 0; c < job.classes(); c++) {
            Path file = job.results().resolve("comp4_det_test_" + c + ".txt");
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] f = line.split(" ", 2);
                String where = file + ": " + line;
                if (f.length != 2) {
                    throw new IllegalArgumentException(where + ": expected 'image prob xmin ymin xmax ymax'");
                }
                boxes.add(Conformance.Box.parse(f[0] + " " + c + " " + f[1], where));
            }
        }
        return boxes;
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
            return lines.subList(Math.max(0, lines.size() - 15), lines.size()).stream()
                    .collect(Collectors.joining("\n"));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }
}
