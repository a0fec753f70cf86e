package io.yolostream.deploy.track;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * node-moving-things-tracker (OpenDataCam's tracker, npm) run as its README says:
 * {@code node main.js --mode motchallenge --input DETS.txt} writes {@code outputTrackerMOT.txt} beside the input.
 * Installed with {@link #install} into a folder of its own ({@code npm install --prefix DIR}), never globally.
 */
public final class PeerTracker {
    public static final String PACKAGE = "node-moving-things-tracker";
    public static final String VERSION = "0.9.1";

    private final Path mainJs;
    private final String node;

    public PeerTracker(Path mainJs, String node) {
        this.mainJs = mainJs;
        this.node = node;
    }

    /** {@code DIR/node_modules/node-moving-things-tracker/main.js}, installed there first when missing. */
    public static PeerTracker install(Path dir, String npm, String node) throws IOException, InterruptedException {
        Path main = dir.resolve("node_modules").resolve(PACKAGE).resolve("main.js");
        if (!Files.isRegularFile(main) || !installedVersion(dir).equals(VERSION)) {
            Files.createDirectories(dir);
            run(List.of(npm, "install", "--no-audit", "--no-fund", "--no-save", "--prefix", dir.toString(),
                    PACKAGE + "@" + VERSION), dir, 300, "npm install " + PACKAGE + "@" + VERSION);
        }
        if (!Files.isRegularFile(main)) {
            throw new TrackFileException("peer tracker: expected " + main + " after npm install, found none");
        }
        return new PeerTracker(main, node);
    }

    private static String installedVersion(Path dir) throws IOException {
        Path pkg = dir.resolve("node_modules").resolve(PACKAGE).resolve("package.json");
        if (!Files.isRegularFile(pkg)) {
            return "";
        }
        String json = Files.readString(pkg, StandardCharsets.UTF_8);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"version\"\\s*:\\s*\"([^\"]+)\"").matcher(json);
        return m.find() ? m.group(1) : "";
    }

    /** Whether {@code command --version} runs (node, npm on the PATH). */
    public static boolean available(String command) {
        try {
            Process p = new ProcessBuilder(command, "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Tracks {@code detections} in {@code dir} (its own folder: the output file is written beside the input). */
    public List<MotRow> track(List<MotRow> detections, Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path in = dir.resolve("dets.txt").toAbsolutePath();
        MotFile.write(in, detections);
        Path out = dir.resolve("outputTrackerMOT.txt");
        Files.deleteIfExists(out);
        run(List.of(node, mainJs.toAbsolutePath().toString(), "--mode", "motchallenge", "--input", in.toString()),
                dir, 600, PACKAGE);
        if (!Files.isRegularFile(out)) {
            throw new TrackFileException(PACKAGE + ": expected " + out + ", found no file");
        }
        return MotFile.read(out);
    }

    private static void run(List<String> cmd, Path dir, int timeoutS, String what)
            throws IOException, InterruptedException {
        Path log = Files.createTempFile("peer-tracker", ".log");
        try {
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            if (!p.waitFor(timeoutS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new TrackFileException(what + ": expected to finish within " + timeoutS + " s, found it still"
                        + " running");
            }
            if (p.exitValue() != 0) {
                throw new TrackFileException(what + ": expected exit code 0, found " + p.exitValue() + ": "
                        + Files.readString(log, StandardCharsets.UTF_8).strip());
            }
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
