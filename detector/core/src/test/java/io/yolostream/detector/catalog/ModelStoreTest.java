package io.yolostream.detector.catalog;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.yolostream.detector.darknet.DarknetNetwork;
import io.yolostream.detector.darknet.Fixtures;
import io.yolostream.detector.model.ModelException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pulls from a local HTTP server on 127.0.0.1: no internet needed. */
class ModelStoreTest {
    private static final ModelSpec TINY = new ModelSpec("tiny", "test", 3, 64, List.of(
            new ModelFile(ModelFile.Role.CFG, "tiny.cfg", ModelFile.Origin.REPOSITORY, "cfg/tiny.cfg"),
            new ModelFile(ModelFile.Role.WEIGHTS, "tiny.weights", ModelFile.Origin.WEIGHTS, "tiny.weights"),
            new ModelFile(ModelFile.Role.NAMES, "tiny.names", ModelFile.Origin.REPOSITORY, "data/tiny.names")));

    @TempDir
    Path tmp;

    private HttpServer server;
    private final Map<String, byte[]> content = new ConcurrentHashMap<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<String> ranges = new CopyOnWriteArrayList<>();
    /** When > 0: the next weights response is cut after this many bytes. */
    private final AtomicLong cutAfter = new AtomicLong(-1);
    private final AtomicBoolean honourRange = new AtomicBoolean(true);
    private byte[] weights;

    @BeforeEach
    void start() throws IOException {
        DarknetNetwork net = Fixtures.network(Fixtures.TINY_YOLOV2);
        weights = Fixtures.randomWeights(net, 42, 0, 2);
        content.put("/repo/cfg/tiny.cfg", Fixtures.TINY_YOLOV2.getBytes(StandardCharsets.UTF_8));
        content.put("/repo/data/tiny.names", "cat\ndog\nbird\n".getBytes(StandardCharsets.UTF_8));
        content.put("/files/tiny.weights", weights);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::serve);
        server.start();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private void serve(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        requests.add(path);
        String range = ex.getRequestHeaders().getFirst("Range");
        if (range != null) {
            ranges.add(path + " " + range);
        }
        byte[] body = content.get(path);
        if (body == null) {
            ex.sendResponseHeaders(404, -1);
            ex.close();
            return;
        }
        int from = 0;
        if (range != null && honourRange.get()) {
            from = Integer.parseInt(range.replaceAll("bytes=(\\d+)-", "$1"));
            ex.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (body.length - 1) + "/" + body.length);
            ex.sendResponseHeaders(206, body.length - from);
        } else {
            ex.sendResponseHeaders(200, body.length);
        }
        long cut = path.endsWith(".weights") ? cutAfter.getAndSet(-1) : -1;
        OutputStream out = ex.getResponseBody();
        try {
            if (cut > 0 && path.endsWith(".weights")) {
                out.write(body, from, (int) cut);
                out.flush();
                return;
            }
            out.write(body, from, body.length - from);
        } catch (IOException ignored) {
            // the cut connection
        } finally {
            ex.close(); // for the cut response: fewer bytes than announced, the connection is dropped
        }
    }

    private String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    private ModelStore store(int attempts) {
        ModelCatalog catalog = ModelCatalog.of(List.of(TINY), base() + "files/", base() + "repo/");
        return new ModelStore(catalog, new ModelCache(tmp.resolve("models")), attempts);
    }

    @Test
    void pullsConvertsAndThenHitsTheCache() throws IOException {
        ModelStore store = store(1);
        AtomicLong last = new AtomicLong();
        AtomicLong weightsTotal = new AtomicLong();
        ModelStore.Pulled p = store.pull("tiny", (file, bytes, total) -> {
            if (file.role() == ModelFile.Role.WEIGHTS) {
                last.set(bytes);
                weightsTotal.set(total);
            }
        });
        assertFalse(p.cacheHit());
        assertEquals(weights.length, last.get());
        assertEquals(weights.length, weightsTotal.get());
        Path dir = tmp.resolve("models").resolve("tiny");
        assertArrayEquals(weights, Files.readAllBytes(dir.resolve("tiny.weights")));
        assertEquals(Fixtures.TINY_YOLOV2, Files.readString(dir.resolve("tiny.cfg")));
        assertEquals(List.of("cat", "dog", "bird"), Files.readAllLines(dir.resolve("tiny.names")));
        assertTrue(Files.size(dir.resolve("tiny.onnx")) > 0);
        assertEquals(dir.resolve("tiny.onnx"), p.onnx());
        try (var s = Files.list(dir)) {
            assertTrue(s.noneMatch(f -> f.toString().endsWith(".part")));
        }
        assertEquals(3, requests.size());

        requests.clear();
        ModelStore.Pulled again = store(1).pull("tiny");
        assertTrue(again.cacheHit());
        assertEquals(List.of(), requests);
        assertTrue(store.cached("tiny").isPresent());
    }

    @Test
    void resumesAnInterruptedDownload() throws IOException {
        cutAfter.set(100);
        ModelStore.Pulled p = store(3).pull("tiny");
        assertEquals(List.of("/files/tiny.weights bytes=100-"), ranges);
        assertEquals(2, requests.stream().filter(r -> r.endsWith(".weights")).count());
        assertArrayEquals(weights, Files.readAllBytes(p.file(ModelFile.Role.WEIGHTS)));
        assertTrue(Files.isRegularFile(p.onnx()));
    }

    @Test
    void resumesAcrossPullsAndRestartsWhenRangeIsIgnored() throws IOException {
        cutAfter.set(100);
        ModelStore once = store(1);
        assertThrows(ModelException.class, () -> once.pull("tiny"));
        Path part = tmp.resolve("models/tiny/tiny.weights.part");
        assertEquals(100, Files.size(part));
        assertFalse(Files.exists(tmp.resolve("models/tiny/tiny.weights")));

        honourRange.set(false);
        ModelStore.Pulled p = store(1).pull("tiny");
        assertEquals(List.of("/files/tiny.weights bytes=100-"), ranges);
        assertArrayEquals(weights, Files.readAllBytes(p.file(ModelFile.Role.WEIGHTS)));
        assertFalse(Files.exists(part));
    }

    @Test
    void rejectsWeightsOfTheWrongSize() {
        content.put("/files/tiny.weights", Arrays.copyOf(weights, weights.length - 4));
        long n = Fixtures.network(Fixtures.TINY_YOLOV2).weightCount();
        ModelException e = assertThrows(ModelException.class, () -> store(1).pull("tiny"));
        assertTrue(e.getMessage().contains("needs exactly " + n + " floats"), e.getMessage());
        assertTrue(e.getMessage().contains("found " + (n - 1) + " floats"), e.getMessage());
        Path dir = tmp.resolve("models/tiny");
        assertFalse(Files.exists(dir.resolve("tiny.weights")));
        assertFalse(Files.exists(dir.resolve("tiny.weights.part")));
        assertFalse(Files.exists(dir.resolve("tiny.onnx")));
    }

    @Test
    void acceptsTheOldSixteenByteHeader() throws IOException {
        byte[] old = Fixtures.randomWeights(Fixtures.network(Fixtures.TINY_YOLOV2), 7, 0, 1);
        assertEquals(weights.length - 4, old.length);
        content.put("/files/tiny.weights", old);
        ModelStore.Pulled p = store(1).pull("tiny");
        assertArrayEquals(old, Files.readAllBytes(p.file(ModelFile.Role.WEIGHTS)));
    }

    @Test
    void serverDownNamesWhatToDownloadAndWhere() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String down = "http://127.0.0.1:" + port + "/";
        ModelCatalog catalog = ModelCatalog.of(List.of(TINY), down + "files/", down + "repo/");
        ModelStore store = new ModelStore(catalog, new ModelCache(tmp.resolve("models")), 2);
        ModelException e = assertThrows(ModelException.class, () -> store.pull("tiny"));
        String msg = e.getMessage();
        Path dir = tmp.resolve("models").resolve("tiny");
        assertTrue(msg.contains(dir.resolve("tiny.cfg").toString()), msg);
        assertTrue(msg.contains(dir.resolve("tiny.weights").toString()), msg);
        assertTrue(msg.contains(down + "files/tiny.weights"), msg);
        assertTrue(msg.contains("Offline?"), msg);
        assertTrue(store.cached("tiny").isEmpty());
    }

    @Test
    void mirrorBaseUrlServesFlatFileNames() {
        content.put("/mirror/tiny.cfg", content.get("/repo/cfg/tiny.cfg"));
        content.put("/mirror/tiny.names", content.get("/repo/data/tiny.names"));
        content.put("/mirror/tiny.weights", weights);
        ModelCatalog catalog = ModelCatalog.of(List.of(TINY), "http://unused.invalid/", "http://unused.invalid/")
                .withBaseUrl(base() + "mirror");
        ModelStore.Pulled p = new ModelStore(catalog, new ModelCache(tmp.resolve("m")), 1).pull("tiny");
        assertNotNull(p.onnx());
        assertTrue(requests.stream().allMatch(r -> r.startsWith("/mirror/")), requests.toString());
    }

    /** TINY with its names file pinned to the bytes the server holds. */
    private ModelStore pinnedStore(String sha) {
        ModelSpec pinned = new ModelSpec("tiny", "test", 3, 64, TINY.files().stream()
                .map(f -> f.role() == ModelFile.Role.NAMES ? f.pinned(content.get("/repo/data/tiny.names").length, sha)
                        : f).toList());
        return new ModelStore(ModelCatalog.of(List.of(pinned), base() + "files/", base() + "repo/"),
                new ModelCache(tmp.resolve("pinned")), 1);
    }

    @Test
    void aFileThatDiffersFromItsPinsIsDiscarded() throws Exception {
        String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(content.get("/repo/data/tiny.names")));
        assertNotNull(pinnedStore(sha).pull("tiny").onnx(), "the published file passes");

        // the same URL now serves other bytes of the same length (a changed branch, a tampered mirror)
        content.put("/repo/data/tiny.names", "cat\ndog\nbirb\n".getBytes(StandardCharsets.UTF_8));
        ModelException e = assertThrows(ModelException.class, () -> {
            try {
                Files.walk(tmp.resolve("pinned")).sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile()
                        .delete());
            } catch (IOException io) {
                throw new AssertionError(io);
            }
            pinnedStore(sha).pull("tiny");
        });
        assertTrue(e.getMessage().contains("expected 13 bytes, sha256 " + sha + " (pinned in the catalog)"),
                e.getMessage());
        assertTrue(e.getMessage().contains("the download was discarded"), e.getMessage());
        Path dir = tmp.resolve("pinned/tiny");
        assertFalse(Files.exists(dir.resolve("tiny.names")));
        assertFalse(Files.exists(dir.resolve("tiny.names.part")));
        assertFalse(Files.exists(dir.resolve("tiny.onnx")));
    }

    @Test
    void theStandardCatalogIsPinnedToACommitWithEveryRepositoryFileHashed() throws Exception {
        ModelCatalog c = ModelCatalog.standard();
        for (ModelSpec m : c.models()) {
            for (ModelFile f : m.files()) {
                String url = c.url(f);
                assertFalse(url.contains("/master/"), url);
                if (f.origin() == ModelFile.Origin.REPOSITORY) {
                    assertTrue(url.startsWith("https://raw.githubusercontent.com/pjreddie/darknet/"
                            + ModelCatalog.DARKNET_COMMIT + "/"), url);
                    assertTrue(f.size() > 0 && f.sha256() != null, f.toString());
                }
            }
        }
        assertTrue(ModelCatalog.DARKNET_COMMIT.matches("[0-9a-f]{40}"));
        // the pins against darknet's own files (public domain, copied into the tests)
        for (String path : List.of("cfg/yolov2-tiny-voc.cfg", "data/voc.names")) {
            byte[] bytes;
            try (var in = getClass().getResourceAsStream("darknet/" + path.substring(path.indexOf('/') + 1))) {
                bytes = in.readAllBytes();
            }
            ModelFile f = c.get("yolov2-tiny-voc").files().stream().filter(x -> x.path().equals(path)).findFirst()
                    .orElseThrow();
            assertEquals(bytes.length, f.size(), path);
            assertEquals(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(bytes)), f.sha256(), path);
        }
    }

    @Test
    void standardCatalog() {
        ModelCatalog c = ModelCatalog.standard();
        assertEquals(List.of("yolov2", "yolov2-voc", "yolov2-tiny", "yolov2-tiny-voc", "yolo9000", "face-tiny"),
                c.models().stream().map(ModelSpec::name).toList());
        assertEquals(608, c.get("yolov2").inputSize());
        assertEquals(544, c.get("yolo9000").inputSize());
        assertEquals("9k.tree", c.get("yolo9000").file(ModelFile.Role.TREE).orElseThrow().name());
        assertNull(c.get("yolov2").file(ModelFile.Role.TREE).orElse(null));
        assertEquals("http://m/yolov2.weights", c.withBaseUrl("http://m").url(c.get("yolov2").weights()));
        assertThrows(ModelException.class, () -> c.get("nope"));
        assertEquals(Path.of("/y/models"), ModelCache.fromEnvironment(Map.of("YOLOSTREAM_HOME", "/y"), Path.of("/h")).dir());
        assertEquals(Path.of("/h/.cache/yolostream/models"), ModelCache.fromEnvironment(Map.of(), Path.of("/h")).dir());
    }
    @Test
    void modelNamePullsOnFirstUseAndReadsTheCacheAfterwards() throws IOException {
        AtomicLong opened = new AtomicLong();
        java.util.function.Supplier<ModelStore> lazy = () -> {
            opened.incrementAndGet();
            return store(1);
        };
        Path onnx = ModelRef.resolve("tiny", lazy, ModelStore.Progress.NONE);
        assertEquals(tmp.resolve("models/tiny/tiny.onnx"), onnx);
        assertTrue(Files.size(onnx) > 0);
        assertEquals(3, requests.size());

        requests.clear();
        assertEquals(onnx, ModelRef.resolve(" tiny ", lazy, ModelStore.Progress.NONE));
        assertEquals(List.of(), requests);
        assertEquals(2, opened.get());
    }

    @Test
    void modelFilesWinOverNamesAndAreNotLookedUp() throws IOException {
        java.util.function.Supplier<ModelStore> never = () -> {
            throw new AssertionError("the catalog must not be consulted for a file");
        };
        Path file = Files.writeString(tmp.resolve("tiny"), "x");
        assertEquals(file, ModelRef.resolve(file.toString(), never, ModelStore.Progress.NONE));
        // looks like a file: returned as is, so whoever opens it reports the missing file
        assertEquals(Path.of("missing.onnx"), ModelRef.resolve("missing.onnx", never, ModelStore.Progress.NONE));
        assertEquals(Path.of("dir/model"), ModelRef.resolve("dir/model", never, ModelStore.Progress.NONE));
        assertFalse(ModelRef.isCatalogName(file.toString(), store(1).catalog()));
        assertTrue(ModelRef.isCatalogName("tiny", store(1).catalog()));
        assertEquals(List.of(), requests);
    }

    @Test
    void unknownModelNameListsTheKnownOnes() {
        ModelException e = assertThrows(ModelException.class,
                () -> ModelRef.resolve("yolov9", () -> store(1), ModelStore.Progress.NONE));
        assertTrue(e.getMessage().contains("model 'yolov9'"), e.getMessage());
        assertTrue(e.getMessage().contains("known model name (tiny;"), e.getMessage());
        assertTrue(e.getMessage().contains("found neither"), e.getMessage());
        assertThrows(ModelException.class, () -> ModelRef.resolve(" ", () -> store(1), ModelStore.Progress.NONE));
    }
}
