package io.yolostream.detector.batch;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatcherTest {
    record Frame(String camera, long seq) {
    }

    private long now = 1_000;

    @Test
    void fullBatchGoesOutAtMaxBatchWithoutWaiting() {
        Batcher<Frame> b = new Batcher<>(3, 100);
        b.add(new Frame("a", 1), now);
        b.add(new Frame("a", 2), now);
        assertTrue(b.nextBatch(now).isEmpty());
        b.add(new Frame("a", 3), now);
        assertEquals(0, b.timeUntilDue(now));
        Batch<Frame> batch = b.nextBatch(now).orElseThrow();
        assertEquals(3, batch.size());
        assertTrue(b.isEmpty());
    }

    @Test
    void partialBatchGoesOutWhenOldestHasWaitedMaxWait() {
        Batcher<Frame> b = new Batcher<>(8, 100);
        b.add(new Frame("a", 1), now);
        now += 60;
        b.add(new Frame("b", 1), now);
        assertEquals(40, b.timeUntilDue(now));
        now += 39;
        assertTrue(b.nextBatch(now).isEmpty());
        now += 1;
        Batch<Frame> batch = b.nextBatch(now).orElseThrow();
        assertEquals(List.of(new Frame("a", 1), new Frame("b", 1)), batch.items());
        assertEquals(1_000, batch.oldestArrivalMs());
        assertEquals(100, batch.waitedMs(now));
    }

    @Test
    void emptyBatcherWaitsMaxWaitAndYieldsNothing() {
        Batcher<Frame> b = new Batcher<>(4, 250);
        assertEquals(250, b.timeUntilDue(now));
        assertTrue(b.nextBatch(now + 10_000).isEmpty());
        assertTrue(b.flush(now).isEmpty());
    }

    @Test
    void mixesCamerasAndKeepsFifoOverallAndPerCamera() {
        Batcher<Frame> b = new Batcher<>(4, 100);
        List<Frame> in = new ArrayList<>();
        String[] cams = {"a", "b", "c"};
        for (int i = 0; i < 10; i++) {
            Frame f = new Frame(cams[i % 3], i / 3);
            in.add(f);
            b.add(f, now + i);
        }
        List<Frame> out = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        Optional<Batch<Frame>> batch;
        while ((batch = b.nextBatch(now + 9)).isPresent()) {
            out.addAll(batch.get().items());
            sizes.add(batch.get().size());
        }
        assertEquals(List.of(4, 4), sizes, "two full batches; the last 2 frames wait");
        assertEquals(2, b.size());
        assertEquals(99, b.timeUntilDue(now + 9), "the new oldest (arrived at +8) is due at +108");
        out.addAll(b.nextBatch(now + 108).orElseThrow().items());
        assertEquals(in, out);
        List<String> firstBatchCameras = out.subList(0, 4).stream().map(Frame::camera).distinct().toList();
        assertEquals(List.of("a", "b", "c"), firstBatchCameras);
    }

    @Test
    void removeIfDropsRevokedItemsAndKeepsTheRestInOrder() {
        Batcher<Frame> b = new Batcher<>(10, 100);
        for (int i = 0; i < 6; i++) {
            b.add(new Frame(i % 2 == 0 ? "a" : "b", i), now + i);
        }
        assertEquals(3, b.removeIf(f -> f.camera().equals("a")));
        Batch<Frame> rest = b.flush(now).orElseThrow();
        assertEquals(List.of(new Frame("b", 1), new Frame("b", 3), new Frame("b", 5)), rest.items());
        assertEquals(now + 1, rest.oldestArrivalMs());
    }

    @Test
    void flushTakesAtMostMaxBatch() {
        Batcher<Frame> b = new Batcher<>(2, 100);
        for (int i = 0; i < 3; i++) {
            b.add(new Frame("a", i), now);
        }
        assertEquals(2, b.flush(now).orElseThrow().size());
        assertEquals(1, b.flush(now).orElseThrow().size());
        assertTrue(b.flush(now).isEmpty());
    }

    @Test
    void zeroMaxWaitMakesEveryItemDueAtOnce() {
        Batcher<Frame> b = new Batcher<>(4, 0);
        b.add(new Frame("a", 1), now);
        assertEquals(1, b.nextBatch(now).orElseThrow().size());
    }

    @Test
    void rejectsBadSettings() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Batcher<>(0, 10));
        assertTrue(e.getMessage().contains("found 0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Batcher<>(1, -1));
        assertThrows(IllegalArgumentException.class, () -> new Batcher<Frame>(1, 1).add(null, 0));
    }
}
