package io.yolostream.sinks.snapshot;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Keeps the snapshot directory bounded: a snapshot (its {@code .jpg} and {@code .json} sidecar, one unit) older than
 * {@code maxAgeMillis} is deleted, and while the directory holds more than {@code maxBytes} the oldest snapshots go
 * first. Temporary files of a crashed write older than a minute are deleted too. Only files the
 * {@link SnapshotWriter} names ({@code <dir>/<camera>/<stamp>_<label>.jpg|json}) are touched: the directory may
 * hold other things. Several stream tasks may prune the same directory: a file another one deleted is skipped.
 */
public final class SnapshotRetention {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotRetention.class);
    private static final long TEMP_FILE_AGE_MILLIS = 60_000;

    /** What one pass found and deleted. */
    public record Pass(int kept, long keptBytes, int deleted, long deletedBytes) {
    }

    private record Snapshot(List<Path> files, long bytes, long modifiedMillis) {
    }

    private final Path dir;
    private final long maxAgeMillis;
    private final long maxBytes;

    /** @param maxAgeMillis 0 = no age limit; @param maxBytes 0 = no size limit */
    public SnapshotRetention(Path dir, long maxAgeMillis, long maxBytes) {
        this.dir = dir;
        this.maxAgeMillis = maxAgeMillis;
        this.maxBytes = maxBytes;
    }

    public boolean limited() {
        return maxAgeMillis > 0 || maxBytes > 0;
    }

    /** One pass at wall-clock time {@code nowMillis}. */
    public synchronized Pass prune(long nowMillis) {
        List<Snapshot> all;
        try {
            all = scan(nowMillis);
        } catch (IOException e) {
            LOG.warn("snapshot-dir " + dir + ": cannot list it to apply the retention: " + e);
            return new Pass(0, 0, 0, 0);
        }
        all.sort(Comparator.comparingLong(Snapshot::modifiedMillis));
        long total = all.stream().mapToLong(Snapshot::bytes).sum();
        int deleted = 0;
        long deletedBytes = 0;
        for (Snapshot s : all) {
            boolean tooOld = maxAgeMillis > 0 && nowMillis - s.modifiedMillis() > maxAgeMillis;
            boolean overBudget = maxBytes > 0 && total > maxBytes;
            if (!tooOld && !overBudget) {
                break; // oldest first: the rest are younger, and the budget is met
            }
            delete(s.files());
            total -= s.bytes();
            deleted++;
            deletedBytes += s.bytes();
        }
        if (deleted > 0) {
            LOG.debug("snapshot-dir {}: deleted {} snapshot(s), {} bytes (kept {} bytes)", dir, deleted, deletedBytes,
                    total);
        }
        return new Pass(all.size() - deleted, total, deleted, deletedBytes);
    }

    private List<Snapshot> scan(long nowMillis) throws IOException {
        Map<Path, List<Path>> byBase = new LinkedHashMap<>();
        Map<Path, long[]> sizes = new LinkedHashMap<>();
        if (!Files.isDirectory(dir)) {
            return new ArrayList<>();
        }
        try (Stream<Path> cameras = Files.list(dir)) {
            for (Path camera : cameras.filter(Files::isDirectory).toList()) {
                try (Stream<Path> files = Files.list(camera)) {
                    for (Path f : files.toList()) {
                        String name = f.getFileName().toString();
                        BasicFileAttributes a;
                        try {
                            a = Files.readAttributes(f, BasicFileAttributes.class);
                        } catch (NoSuchFileException gone) {
                            continue;
                        }
                        if (!a.isRegularFile()) {
                            continue;
                        }
                        if (name.startsWith(".") && name.endsWith(".tmp")) {
                            if (nowMillis - a.lastModifiedTime().toMillis() > TEMP_FILE_AGE_MILLIS) {
                                delete(List.of(f));
                            }
                            continue;
                        }
                        if (!name.endsWith(".jpg") && !name.endsWith(".json")) {
                            continue;
                        }
                        Path base = camera.resolve(name.substring(0, name.lastIndexOf('.')));
                        byBase.computeIfAbsent(base, b -> new ArrayList<>()).add(f);
                        long[] s = sizes.computeIfAbsent(base, b -> new long[] {0, 0});
                        s[0] += a.size();
                        s[1] = Math.max(s[1], a.lastModifiedTime().toMillis());
                    }
                } catch (NoSuchFileException gone) {
                    // another task removed the camera's directory meanwhile
                }
            }
        }
        List<Snapshot> out = new ArrayList<>();
        byBase.forEach((base, files) -> out.add(new Snapshot(files, sizes.get(base)[0], sizes.get(base)[1])));
        return out;
    }

    private static void delete(List<Path> files) {
        for (Path f : files) {
            try {
                Files.deleteIfExists(f);
            } catch (IOException e) {
                LOG.warn("snapshot " + f + " not deleted: " + e);
            }
        }
    }
}
