package io.yolostream.sinks.snapshot;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.yolostream.detector.avro.DetectedObject;
import io.yolostream.ingest.avro.Frame;
import io.yolostream.sinks.annotate.FrameAnnotator;
import io.yolostream.sinks.avro.RoutedPathNode;
import io.yolostream.sinks.common.SinksException;
import io.yolostream.sinks.hierarchy.Hierarchy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * Writes a snapshot as {@code <dir>/<camera>/<window-start>_<label>.jpg} (the frame with that object's box) and a
 * {@code .json} sidecar beside it; each file is written to a temporary name and moved into place atomically, the
 * JPEG first, so a reader that sees the sidecar finds the image complete. Camera ids and labels are made safe as
 * file names (anything outside {@code [A-Za-z0-9._-]} becomes {@code _}).
 */
public final class SnapshotWriter {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private final Path dir;
    private final FrameAnnotator annotator;
    private final Hierarchy hierarchy;

    public SnapshotWriter(Path dir, FrameAnnotator annotator, Hierarchy hierarchy) {
        this.dir = dir;
        this.annotator = annotator;
        this.hierarchy = hierarchy;
    }

    /** The JPEG's path (the sidecar is the same with {@code .json}). */
    public Path write(SnapshotCollector.Snapshot s) {
        Path camDir = dir.resolve(safe(s.camera()));
        String base = STAMP.format(Instant.ofEpochMilli(s.windowStart())) + "_" + safe(s.label());
        Path jpg = camDir.resolve(base + ".jpg");
        DetectedObject o = s.object();
        Frame annotated = annotator.annotate(s.pair().frame(), s.pair().detection(), List.of(o));
        ByteBuffer img = annotated.getImage().duplicate();
        byte[] bytes = new byte[img.remaining()];
        img.get(bytes);
        try {
            Files.createDirectories(camDir);
            atomicWrite(jpg, bytes);
            atomicWrite(camDir.resolve(base + ".json"), JSON.writeValueAsBytes(sidecar(s, o, jpg)));
        } catch (IOException e) {
            throw new SinksException("snapshot-dir " + dir + ": expected a writable directory, found: " + e, e);
        }
        return jpg;
    }

    ObjectNode sidecar(SnapshotCollector.Snapshot s, DetectedObject o, Path jpg) {
        Frame f = s.pair().frame();
        ObjectNode n = JSON.createObjectNode();
        n.put("camera", s.camera());
        n.put("label", s.label());
        n.put("score", o.getScore());
        ArrayNode path = n.putArray("path");
        for (RoutedPathNode p : hierarchy.pathOf(o)) {
            ObjectNode pj = path.addObject();
            pj.put("name", p.getName());
            pj.put("wordnetId", p.getWordnetId());
        }
        ObjectNode box = n.putObject("box");
        box.put("left", o.getLeft());
        box.put("top", o.getTop());
        box.put("width", o.getWidth());
        box.put("height", o.getHeight());
        n.put("captureTime", f.getCaptureTime().toString());
        n.put("sequence", f.getSequence());
        n.put("sessionId", f.getSessionId());
        n.put("modelId", s.pair().detection().getModelId());
        n.put("windowStart", Instant.ofEpochMilli(s.windowStart()).toString());
        n.put("windowEnd", Instant.ofEpochMilli(s.windowEnd()).toString());
        n.put("image", jpg.getFileName().toString());
        return n;
    }

    /** {@code [A-Za-z0-9._-]} only, never empty, never a dot name. */
    static String safe(String s) {
        String out = s.replaceAll("[^A-Za-z0-9._-]", "_");
        return out.isEmpty() || out.chars().allMatch(c -> c == '.') ? "_" + out : out;
    }

    private static void atomicWrite(Path target, byte[] bytes) throws IOException {
        Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
        try {
            Files.write(tmp, bytes);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
