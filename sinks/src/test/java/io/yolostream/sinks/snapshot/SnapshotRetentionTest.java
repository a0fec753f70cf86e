package io.yolostream.sinks.snapshot;

import io.yolostream.sinks.config.SinksConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SnapshotRetentionTest {
    private static final long NOW = 1_800_000_000_000L;

    @TempDir
    Path dir;

    /** A snapshot as the writer leaves it: JPEG + sidecar, written {@code ageMillis} ago. */
    private Path snapshot(String camera, String base, int jpegBytes, long ageMillis) throws Exception {
        Path cam = Files.createDirectories(dir.resolve(camera));
        Path jpg = Files.write(cam.resolve(base + ".jpg"), new byte[jpegBytes]);
        Path json = Files.writeString(cam.resolve(base + ".json"), "{}");
        for (Path p : new Path[] {jpg, json}) {
            Files.setLastModifiedTime(p, FileTime.fromMillis(NOW - ageMillis));
        }
        return jpg;
    }

    @Test
    void snapshotsOlderThanTheMaxAgeGoWithTheirSidecars() throws Exception {
        Path old = snapshot("gate", "20270115T080000Z_person", 1000, Duration.ofDays(8).toMillis());
        Path young = snapshot("gate", "20270122T080000Z_person", 1000, Duration.ofHours(1).toMillis());
        Path other = Files.writeString(dir.resolve("gate/notes.txt"), "not ours");
        Files.setLastModifiedTime(other, FileTime.fromMillis(0));
        Path staleTemp = Files.write(dir.resolve("gate/.x.jpg123.tmp"), new byte[10]);
        Files.setLastModifiedTime(staleTemp, FileTime.fromMillis(NOW - 120_000));

        SnapshotRetention.Pass pass = new SnapshotRetention(dir, Duration.ofDays(7).toMillis(), 0).prune(NOW);
        assertEquals(1, pass.deleted());
        assertFalse(Files.exists(old));
        assertFalse(Files.exists(old.resolveSibling("20270115T080000Z_person.json")), "the sidecar goes too");
        assertTrue(Files.exists(young));
        assertTrue(Files.exists(other), "files the writer does not name are left alone");
        assertFalse(Files.exists(staleTemp), "a crashed write's temporary file goes");
    }

    @Test
    void overTheByteBudgetTheOldestGoFirstAcrossCameras() throws Exception {
        Path a = snapshot("gate", "a_dog", 4000, 50_000);
        Path b = snapshot("yard", "b_dog", 4000, 40_000);
        Path c = snapshot("gate", "c_dog", 4000, 30_000);
        Path d = snapshot("yard", "d_dog", 4000, 20_000);
        SnapshotRetention.Pass pass = new SnapshotRetention(dir, 0, 9000).prune(NOW);
        assertEquals(2, pass.deleted());
        assertTrue(pass.keptBytes() <= 9000, pass.toString());
        assertFalse(Files.exists(a));
        assertFalse(Files.exists(b));
        assertTrue(Files.exists(c) && Files.exists(d));
    }

    @Test
    void theSinksHaveDocumentedDefaultsForBoth() {
        SinksConfig defaults = SinksConfig.of();
        assertEquals(Duration.ofDays(7), defaults.snapshotMaxAge());
        assertEquals(1024L * 1024 * 1024, defaults.snapshotMaxBytes());
        SinksConfig set = SinksConfig.of("snapshot-max-age", "12h", "snapshot-max-mb", "0");
        assertEquals(Duration.ofHours(12), set.snapshotMaxAge());
        assertEquals(0, set.snapshotMaxBytes());
    }
}
