package io.yolostream.detector.catalog;

import io.yolostream.detector.darknet.DarknetCfg;
import io.yolostream.detector.darknet.DarknetConverter;
import io.yolostream.detector.darknet.DarknetNetwork;
import io.yolostream.detector.faceapi.FaceApiPackage;
import io.yolostream.detector.faceapi.FaceApiToOnnx;
import io.yolostream.detector.model.ModelException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Pulls catalog models into a {@link ModelCache}: downloads each missing file to {@code <file>.part} (resuming a
 * partial download with an HTTP Range request; restarting cleanly when the server ignores it), checks each file
 * against its pinned size and SHA-256 and the weights against the exact size their cfg requires, moves each file
 * into place atomically, and converts to ONNX once. A model
 * already in the cache is returned without any request.
 */
public final class ModelStore {
    private static final Logger LOG = LoggerFactory.getLogger(ModelStore.class);

    /** Download progress of one file: {@code total} is -1 when the server does not say. */
    @FunctionalInterface
    public interface Progress {
        Progress NONE = (file, bytes, total) -> { };

        void update(ModelFile file, long bytes, long total);
    }

    /** A pulled model: its directory, files and ONNX. */
    public record Pulled(ModelSpec model, Path dir, Path onnx, boolean cacheHit) {
        public Path file(ModelFile.Role role) {
            return model.file(role).map(f -> dir.resolve(f.name())).orElse(null);
        }
    }

    private final ModelCatalog catalog;
    private final ModelCache cache;
    private final ResumableDownload downloads;
    private final int attempts;

    public ModelStore(ModelCatalog catalog, ModelCache cache) {
        this(catalog, cache, 3);
    }

    /** @param attempts tries per file; each retry resumes from what the previous one got */
    public ModelStore(ModelCatalog catalog, ModelCache cache, int attempts) {
        this.catalog = catalog;
        this.cache = cache;
        this.attempts = Math.max(1, attempts);
        this.downloads = new ResumableDownload(HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(20))
                .build());
    }

    /** The standard catalog, the base URL from {@code YOLOSTREAM_MODELS_BASE_URL} and the cache from the environment. */
    public static ModelStore fromEnvironment() {
        return new ModelStore(ModelCatalog.standard().withBaseUrl(System.getenv("YOLOSTREAM_MODELS_BASE_URL")),
                ModelCache.fromEnvironment());
    }

    public ModelCatalog catalog() {
        return catalog;
    }

    public ModelCache cache() {
        return cache;
    }

    /** The model if it is fully in the cache (no network). */
    public Optional<Pulled> cached(String name) {
        ModelSpec m = catalog.get(name);
        return cache.isCached(m) ? Optional.of(pulled(m, true)) : Optional.empty();
    }

    public Pulled pull(String name) {
        return pull(name, Progress.NONE);
    }

    /** Downloads what is missing, verifies, converts; a no-op (no request) when the model is already cached. */
    public Pulled pull(String name, Progress progress) {
        ModelSpec model = catalog.get(name);
        if (cache.isCached(model)) {
            return pulled(model, true);
        }
        Path dir = cache.modelDir(model);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new ModelException("model cache " + dir + ": cannot create it: " + e.getMessage(), e);
        }
        if (model.format() == ModelSpec.Format.FACEAPI) {
            pullFaceApi(model, progress);
            return pulled(model, false);
        }
        // cfg first: the weights are checked against it before they are moved into place
        List<ModelFile> order = new ArrayList<>(model.files());
        order.sort((a, b) -> Integer.compare(rank(a), rank(b)));
        for (ModelFile f : order) {
            Path target = cache.path(model, f);
            if (Files.isRegularFile(target)) {
                continue;
            }
            Path part = target.resolveSibling(f.name() + ".part");
            download(model, f, part, progress);
            checkPins(model, f, part);
            if (f.role() == ModelFile.Role.WEIGHTS) {
                checkWeights(model, part);
            }
            moveAtomically(part, target);
        }
        convert(model);
        return pulled(model, false);
    }

    private static int rank(ModelFile f) {
        return f.role() == ModelFile.Role.CFG ? 0 : f.role() == ModelFile.Role.WEIGHTS ? 2 : 1;
    }

    private Pulled pulled(ModelSpec m, boolean hit) {
        return new Pulled(m, cache.modelDir(m), cache.onnx(m), hit);
    }

    // ---- download ---------------------------------------------------------------------------------------------

    private void download(ModelSpec model, ModelFile file, Path part, Progress progress) {
        String url = catalog.url(file);
        IOException last = null;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            try {
                downloads.fetch(url, file, part, progress);
                return;
            } catch (ConnectException | HttpConnectTimeoutException e) {
                throw unreachable(model, file, url, e);
            } catch (IOException e) {
                last = e;
                LOG.warn("download of {} interrupted ({}), attempt {}/{}", url,
                        e.toString(), attempt, attempts);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ModelException("download of " + url + ": interrupted; the partial file " + part
                        + " is kept and resumed next time", e);
            }
        }
        throw new ModelException("download of " + url + " failed after " + attempts + " attempts (" + last
                + "); the partial file " + part + " is kept and resumed by the next pull, or download the file "
                + "yourself and put it at " + part.resolveSibling(file.name()), last);
    }

    private ModelException unreachable(ModelSpec model, ModelFile failed, String url, Exception e) {
        StringBuilder sb = new StringBuilder("model " + model.name() + ": cannot download " + url + " ("
                + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
                + ") and it is not in the cache " + cache.modelDir(model) + ". Offline? Download these files "
                + "yourself and put them at:");
        for (ModelFile f : model.files()) {
            Path p = cache.path(model, f);
            if (!Files.isRegularFile(p)) {
                sb.append("\n  ").append(catalog.url(f)).append("  ->  ").append(p);
            }
        }
        sb.append("\nthen run the pull again (it converts to ").append(cache.onnx(model)).append(")");
        return new ModelException(sb.toString(), e);
    }

    // ---- verification and conversion --------------------------------------------------------------------------

    /** A file whose size or SHA-256 is pinned must match both; anything else is discarded, not resumed. */
    private void checkPins(ModelSpec model, ModelFile file, Path part) {
        if (file.size() < 0 && file.sha256() == null) {
            return;
        }
        long size;
        String sha;
        try {
            size = Files.size(part);
            sha = sha256(part);
        } catch (IOException e) {
            throw new ModelException("download " + part + ": cannot read it: " + e.getMessage(), e);
        }
        boolean sizeOk = file.size() < 0 || file.size() == size;
        boolean shaOk = file.sha256() == null || file.sha256().equals(sha);
        if (sizeOk && shaOk) {
            return;
        }
        try {
            Files.deleteIfExists(part);
        } catch (IOException ignored) {
            // best effort
        }
        throw new ModelException(file.name() + " from " + catalog.url(file) + " for model " + model.name()
                + ": expected " + (file.size() < 0 ? "" : file.size() + " bytes, ") + "sha256 "
                + (file.sha256() == null ? "(not pinned)" : file.sha256()) + " (pinned in the catalog), found "
                + size + " bytes, sha256 " + sha + "; the download was discarded: a changed or tampered file, or a"
                + " mirror that does not hold the published one");
    }

    private static String sha256(Path file) throws IOException {
        java.security.MessageDigest md;
        try {
            md = java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (var in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return java.util.HexFormat.of().formatHex(md.digest());
    }

    /**
     * The weights must hold exactly the n floats the cfg needs after their header: size 20 + 4·n for header
     * version 0.2 and later, 16 + 4·n before. The header's version decides which, so a newer file one float short
     * (16 + 4·n bytes) is not mistaken for a complete older one.
     */
    private void checkWeights(ModelSpec model, Path part) {
        Path cfg = cache.path(model, model.cfg());
        long n = DarknetNetwork.of(DarknetCfg.read(cfg)).weightCount();
        long size;
        int header;
        try (FileChannel ch = FileChannel.open(part)) {
            size = ch.size();
            ByteBuffer b = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
            while (b.hasRemaining() && ch.read(b) >= 0) {
                // fill
            }
            header = b.hasRemaining() ? 16 : headerBytes(b.getInt(0), b.getInt(4));
        } catch (IOException e) {
            throw new ModelException("weights " + part + ": cannot read it: " + e.getMessage(), e);
        }
        if (size == header + 4 * n) {
            return;
        }
        long found = Math.max(0, size - header) / 4;
        String rest = (size - header) % 4 == 0 ? "" : " and " + (size - header) % 4 + " stray bytes";
        try {
            Files.deleteIfExists(part);
        } catch (IOException ignored) {
            // best effort
        }
        throw new ModelException("weights " + catalog.url(model.weights()) + " for model " + model.name() + ": "
                + model.cfg().name() + " needs exactly " + n + " floats (" + (header + 4 * n) + " bytes with its " + header
                + "-byte header), found " + found + " floats" + rest + " (" + size + " bytes); the download was discarded: a truncated file, or weights "
                + "for another cfg");
    }

    /** darknet: {@code major*10+minor >= 2 && major < 1000 && minor < 1000} → 64-bit images-seen counter. */
    private static int headerBytes(int major, int minor) {
        return major * 10 + minor >= 2 && major < 1000 && minor < 1000 ? 20 : 16;
    }

    private void convert(ModelSpec model) {
        if (Files.isRegularFile(cache.onnx(model))) {
            return;
        }
        DarknetConverter.Files files = new DarknetConverter.Files(cache.path(model, model.cfg()),
                cache.path(model, model.weights()),
                model.file(ModelFile.Role.NAMES).map(f -> cache.path(model, f)).orElse(null),
                model.file(ModelFile.Role.TREE).map(f -> cache.path(model, f)).orElse(null));
        DarknetConverter.Result result = DarknetConverter.convert(files, null);
        writeOnnx(model, result.graph()::writeTo);
    }

    /** Writes what a converter produces. */
    private interface OnnxBytes {
        void writeTo(OutputStream out) throws IOException;
    }

    /** The model's ONNX, written to {@code <onnx>.part} and moved into place whole. */
    private void writeOnnx(ModelSpec model, OnnxBytes bytes) {
        Path part = cache.onnx(model).resolveSibling(model.onnxName() + ".part");
        try (OutputStream out = Files.newOutputStream(part)) {
            bytes.writeTo(out);
        } catch (IOException e) {
            throw new ModelException("ONNX " + part + ": cannot write it: " + e.getMessage(), e);
        }
        moveAtomically(part, cache.onnx(model));
    }

    /**
     * face-api's package: {@code npm pack} when npm is there and no mirror is set (the way the package's authors
     * publish it), else a plain download of the same archive; checked against its pinned sha256, extracted, and
     * converted once.
     */
    private void pullFaceApi(ModelSpec model, Progress progress) {
        Path dir = cache.modelDir(model);
        ModelFile pkg = model.file(ModelFile.Role.PACKAGE).orElseThrow();
        Path tgz = cache.path(model, pkg);
        FaceApiPackage.Extracted files;
        if (FaceApiPackage.isExtracted(dir) || Files.isRegularFile(tgz)) {
            files = FaceApiPackage.fetch(dir);
        } else if (catalog.baseUrl() == null && FaceApiPackage.npmOnPath()) {
            try {
                files = FaceApiPackage.fetch(dir);
            } catch (ModelException e) {
                LOG.warn("npm pack {} failed ({}); downloading {} directly instead",
                        FaceApiPackage.SPEC, e.getMessage(), catalog.url(pkg));
                files = downloadPackage(model, pkg, tgz, progress);
            }
        } else {
            if (catalog.baseUrl() == null) {
                LOG.warn("npm is not on the PATH: downloading {} directly",
                        catalog.url(pkg));
            }
            files = downloadPackage(model, pkg, tgz, progress);
        }
        if (!Files.isRegularFile(cache.onnx(model))) {
            byte[] bytes = FaceApiToOnnx.toOnnx(files.manifest(), files.weights());
            writeOnnx(model, out -> out.write(bytes));
        }
    }

    private FaceApiPackage.Extracted downloadPackage(ModelSpec model, ModelFile pkg, Path tgz, Progress progress) {
        Path part = tgz.resolveSibling(pkg.name() + ".part");
        download(model, pkg, part, progress);
        FaceApiPackage.Extracted files;
        try {
            // the pinned size and sha256 decide; a wrong archive is discarded rather than resumed
            files = FaceApiPackage.extract(part, cache.modelDir(model));
        } catch (ModelException e) {
            try {
                Files.deleteIfExists(part);
            } catch (IOException ignored) {
                // best effort
            }
            throw new ModelException("package " + catalog.url(pkg) + " for model " + model.name() + ": "
                    + e.getMessage() + "; the download was discarded", e);
        }
        moveAtomically(part, tgz);
        return files;
    }

    private static void moveAtomically(Path from, Path to) {
        try {
            try {
                Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new ModelException("cannot move " + from + " into place at " + to + ": " + e.getMessage(), e);
        }
    }
}
