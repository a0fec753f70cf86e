package io.yolostream.detector.faceapi;

import io.yolostream.detector.model.ModelException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The npm package {@code @vladmandic/face-api} (MIT), the source of the tiny face detector's weights and of real
 * photos with faces: fetched with {@code npm pack} (or given as a downloaded .tgz), checked against pinned sizes and
 * hashes, and the few files we use extracted under a directory in the package's own layout:
 * {@code model/tiny_face_detector_model.bin}, {@code model/tiny_face_detector_model-weights_manifest.json},
 * {@code demo/sample1.jpg} … {@code demo/sample6.jpg} and {@code LICENSE}.
 */
public final class FaceApiPackage {
    public static final String VERSION = "1.7.15";
    public static final String SPEC = "@vladmandic/face-api@" + VERSION;
    public static final String TGZ_NAME = "vladmandic-face-api-" + VERSION + ".tgz";
    public static final String TGZ_URL = "https://registry.npmjs.org/@vladmandic/face-api/-/face-api-" + VERSION
            + ".tgz";
    public static final long TGZ_SIZE = 12_677_476L;
    public static final String TGZ_SHA256 = "0d77fffeef362ef9c0939cf6c567f3a2e8e177f114fa257a3270cbd2e509b031";
    public static final String WEIGHTS = "model/tiny_face_detector_model.bin";
    public static final String MANIFEST = "model/tiny_face_detector_model-weights_manifest.json";
    static final String WEIGHTS_SHA256 = "b7503ce7df31039b1c43316a9b865cab6a70dd748cc602d3fa28b551503c3871";
    static final String MANIFEST_SHA256 = "5d1af4849ac48d5b985f4a9b16010c512353ddd6fcc63d50fd0bc9e9e64296e5";
    public static final List<String> SAMPLES = List.of("demo/sample1.jpg", "demo/sample2.jpg", "demo/sample3.jpg",
            "demo/sample4.jpg", "demo/sample5.jpg", "demo/sample6.jpg");
    public static final String LICENSE = "LICENSE";
    private static final long NPM_TIMEOUT_S = 300;

    /** The extracted files. */
    public record Extracted(Path dir, Path manifest, Path weights, List<Path> samples, Path license) {
        static Extracted in(Path dir) {
            return new Extracted(dir, dir.resolve(MANIFEST), dir.resolve(WEIGHTS),
                    SAMPLES.stream().map(dir::resolve).toList(), dir.resolve(LICENSE));
        }
    }

    private FaceApiPackage() {
    }

    /**
     * The files under {@code dir}: as they are when already extracted and intact; else extracted from
     * {@code dir/}{@value #TGZ_NAME} when the user put the archive there; else fetched with {@code npm pack}.
     */
    public static Extracted fetch(Path dir) {
        return fetch(dir, "npm");
    }

    /** {@link #fetch(Path)} with another npm executable (tests: a missing one). */
    static Extracted fetch(Path dir, String npm) {
        Extracted f = Extracted.in(dir);
        if (intact(f)) {
            return f;
        }
        Path given = dir.resolve(TGZ_NAME);
        if (Files.isRegularFile(given)) {
            return extract(given, dir);
        }
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempDirectory(dir, ".npm-pack-");
            Path tgz = npmPack(npm, tmp, dir);
            Extracted out = extract(tgz, dir);
            // the archive stays beside the files: a damaged extraction is redone offline, and a mirror can copy it
            move(tgz, given);
            return out;
        } catch (IOException e) {
            throw new ModelException("face-api package into " + dir + ": " + e.getMessage() + "; " + howTo(dir), e);
        } finally {
            deleteTree(tmp);
        }
    }

    /** Checks {@code tgz} against the pinned size and sha256 and extracts our files into {@code dir}. */
    public static Extracted extract(Path tgz, Path dir) {
        check(tgz);
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempDirectory(dir, ".extract-");
            Path into = tmp;
            List<String> wanted = new ArrayList<>(SAMPLES);
            wanted.addAll(List.of(LICENSE, MANIFEST, WEIGHTS));
            List<String> found = new ArrayList<>();
            try (InputStream in = Files.newInputStream(tgz)) {
                TarGz.read(in, name -> wanted.contains(strip(name)), (name, size, content) -> {
                    Path out = into.resolve(strip(name));
                    Files.createDirectories(out.getParent());
                    Files.copy(content, out);
                    found.add(strip(name));
                });
            }
            List<String> missing = wanted.stream().filter(w -> !found.contains(w)).toList();
            if (!missing.isEmpty()) {
                throw new ModelException("face-api package " + tgz + ": expected " + wanted + ", found no " + missing);
            }
            requireSha(into.resolve(WEIGHTS), WEIGHTS_SHA256);
            requireSha(into.resolve(MANIFEST), MANIFEST_SHA256);
            // Each file appears whole or not at all; the weights and manifest (what intact() checks) come last.
            for (String name : wanted) {
                Path target = dir.resolve(name);
                Files.createDirectories(target.getParent());
                move(into.resolve(name), target);
            }
            return Extracted.in(dir);
        } catch (IOException e) {
            throw new ModelException("face-api package " + tgz + ": cannot extract it into " + dir + ": " + e, e);
        } finally {
            deleteTree(tmp);
        }
    }

    /** What to do by hand when npm cannot fetch the package. */
    public static String howTo(Path dir) {
        return "download " + TGZ_URL + " (" + TGZ_SIZE + " bytes, sha256 " + TGZ_SHA256 + "), e.g. with `npm pack "
                + SPEC + "`, and put it at " + dir.resolve(TGZ_NAME) + " (or pass its path)";
    }

    private static Path npmPack(String npm, Path tmp, Path dir) throws IOException {
        Path log = tmp.resolve("npm.log");
        Process p;
        try {
            p = new ProcessBuilder(npm, "pack", SPEC).directory(tmp.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new ModelException("face-api package: npm is not installed or cannot run (" + e.getMessage()
                    + "); " + howTo(dir), e);
        }
        try {
            if (!p.waitFor(NPM_TIMEOUT_S, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new ModelException("face-api package: `npm pack " + SPEC + "` did not finish in "
                        + NPM_TIMEOUT_S + " s (registry unreachable?); " + howTo(dir));
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new ModelException("face-api package: interrupted while running npm pack", e);
        }
        Path tgz = tmp.resolve(TGZ_NAME);
        if (p.exitValue() != 0 || !Files.isRegularFile(tgz)) {
            String out = Files.readString(log, StandardCharsets.UTF_8).strip();
            throw new ModelException("face-api package: expected `npm pack " + SPEC + "` to write " + TGZ_NAME
                    + ", found exit code " + p.exitValue() + " and output:\n" + tail(out) + "\n" + howTo(dir));
        }
        return tgz;
    }

    private static void check(Path tgz) {
        if (!Files.isRegularFile(tgz)) {
            throw new ModelException("face-api package " + tgz + ": expected a file, found none; " + howTo(
                    tgz.toAbsolutePath().getParent()));
        }
        try {
            long size = Files.size(tgz);
            if (size != TGZ_SIZE) {
                throw new ModelException("face-api package " + tgz + ": expected " + TGZ_SIZE + " bytes (" + SPEC
                        + "), found " + size);
            }
        } catch (IOException e) {
            throw new ModelException("face-api package " + tgz + ": cannot read it: " + e, e);
        }
        requireSha(tgz, TGZ_SHA256);
    }

    /** The files are all in {@code dir} and the model files match their pinned sha256. */
    public static boolean isExtracted(Path dir) {
        return intact(Extracted.in(dir));
    }

    /** True when an {@code npm} executable is on the PATH. */
    public static boolean npmOnPath() {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String d : path.split(java.io.File.pathSeparator)) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, "npm"))) {
                return true;
            }
        }
        return false;
    }

    private static boolean intact(Extracted f) {
        if (!Files.isRegularFile(f.license())
                || !f.samples().stream().allMatch(Files::isRegularFile)) {
            return false;
        }
        return Files.isRegularFile(f.weights()) && Files.isRegularFile(f.manifest())
                && WEIGHTS_SHA256.equals(sha256(f.weights())) && MANIFEST_SHA256.equals(sha256(f.manifest()));
    }

    private static void requireSha(Path file, String expected) {
        String found = sha256(file);
        if (!expected.equals(found)) {
            throw new ModelException("face-api package file " + file + ": expected sha256 " + expected + ", found "
                    + found);
        }
    }

    static String sha256(Path file) {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file),
                MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (IOException e) {
            throw new ModelException("face-api package file " + file + ": cannot read it: " + e, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** npm tarballs put everything under "package/". */
    private static String strip(String name) {
        return name.startsWith("package/") ? name.substring("package/".length()) : name;
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static String tail(String s) {
        return s.length() <= 2000 ? s : "…" + s.substring(s.length() - 2000);
    }

    private static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // leftovers in a hidden temp directory are harmless
        }
    }
}
