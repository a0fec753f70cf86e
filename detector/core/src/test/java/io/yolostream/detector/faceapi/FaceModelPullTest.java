package io.yolostream.detector.faceapi;

import com.sun.net.httpserver.HttpServer;
import io.yolostream.detector.catalog.ModelCache;
import io.yolostream.detector.catalog.ModelCatalog;
import io.yolostream.detector.catalog.ModelRef;
import io.yolostream.detector.catalog.ModelSpec;
import io.yolostream.detector.catalog.ModelStore;
import io.yolostream.detector.model.ModelException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code models pull face-tiny} from a mirror on 127.0.0.1 serving the real npm archive. */
class FaceModelPullTest {
    @TempDir
    Path tmp;

    private HttpServer server;
    private volatile byte[] archive;
    private final List<String> requests = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        FaceApiFixture.files();
        Path tgz = FaceApiFixture.DIR.resolve(FaceApiPackage.TGZ_NAME);
        if (!Files.isRegularFile(tgz)) {
            // a fixture extracted before the archive was kept: fetch one of our own
            tgz = FaceApiPackage.fetch(tmp.resolve("npm")).dir().resolve(FaceApiPackage.TGZ_NAME);
        }
        archive = Files.readAllBytes(tgz);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            requests.add(ex.getRequestURI().getPath());
            byte[] body = ex.getRequestURI().getPath().equals("/mirror/" + FaceApiPackage.TGZ_NAME) ? archive : null;
            if (body == null) {
                ex.sendResponseHeaders(404, -1);
            } else {
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
            }
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private ModelStore store() {
        String mirror = "http://127.0.0.1:" + server.getAddress().getPort() + "/mirror/";
        return new ModelStore(ModelCatalog.standard().withBaseUrl(mirror), new ModelCache(tmp.resolve("models")), 1);
    }

    @Test
    void pullsExtractsAndConvertsOnceThenUsesTheCache() throws IOException {
        ModelStore.Pulled p = store().pull(ModelCatalog.FACE_MODEL);
        assertFalse(p.cacheHit());
        assertEquals(List.of("/mirror/" + FaceApiPackage.TGZ_NAME), requests);
        Path dir = tmp.resolve("models").resolve(ModelCatalog.FACE_MODEL);
        assertTrue(FaceApiPackage.isExtracted(dir));
        assertEquals(6, FaceApiPackage.fetch(dir).samples().stream().filter(Files::isRegularFile).count());
        assertEquals(dir.resolve("face-tiny.onnx"), p.onnx());
        FaceApiPackage.Extracted f = FaceApiFixture.files();
        assertArrayEquals(FaceApiToOnnx.toOnnx(f.manifest(), f.weights()), Files.readAllBytes(p.onnx()));
        try (var s = Files.list(dir)) {
            assertTrue(s.noneMatch(x -> x.toString().endsWith(".part")));
        }

        requests.clear();
        assertTrue(store().pull(ModelCatalog.FACE_MODEL).cacheHit());
        assertEquals(p.onnx(), ModelRef.resolve("face-tiny", this::store, ModelStore.Progress.NONE));
        assertEquals(List.of(), requests);
        assertEquals(ModelSpec.Format.FACEAPI, store().catalog().get("face-tiny").format());
    }

    @Test
    void aWrongArchiveIsDiscarded() throws IOException {
        archive = Arrays.copyOf(archive, archive.length - 1000);
        ModelException e = assertThrows(ModelException.class, () -> store().pull(ModelCatalog.FACE_MODEL));
        assertTrue(e.getMessage().contains("expected " + FaceApiPackage.TGZ_SIZE + " bytes"), e.getMessage());
        assertTrue(e.getMessage().contains("discarded"), e.getMessage());
        Path dir = tmp.resolve("models").resolve(ModelCatalog.FACE_MODEL);
        try (var s = Files.list(dir)) {
            assertEquals(List.of(), s.filter(x -> !x.getFileName().toString().startsWith(".")).toList());
        }
        assertTrue(store().cached(ModelCatalog.FACE_MODEL).isEmpty());
    }
}
