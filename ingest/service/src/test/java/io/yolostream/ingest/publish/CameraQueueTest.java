package io.yolostream.ingest.publish;

import io.yolostream.ingest.IngestException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CameraQueueTest {

    @Test
    void fullQueueDropsTheOldestAndCountsIt() {
        CameraQueue<Integer> q = new CameraQueue<>(3, i -> true);
        for (int i = 0; i < 3; i++) {
            assertNull(q.offer(i));
        }
        assertEquals(0, q.offer(3));
        assertEquals(1, q.offer(4));
        assertEquals(2, q.dropped());
        assertEquals(List.of(2, 3, 4), drain(q));
        assertEquals(2, q.dropped());
    }

    @Test
    void undroppableItemsSurviveAndTheNewItemGoesWhenNothingElseCan() {
        CameraQueue<String> q = new CameraQueue<>(2, s -> !s.startsWith("eos"));
        q.offer("eos-1");
        q.offer("a");
        assertEquals("a", q.offer("b"), "the oldest droppable one goes, not the marker");
        assertEquals(List.of("eos-1", "b"), drain(q));
        q.offer("eos-2");
        q.offer("eos-3");
        assertEquals("c", q.offer("c"), "nothing droppable queued: the new item is the one dropped");
        assertEquals(2, q.dropped());
    }

    @Test
    void pollIfLeavesARefusedHead() {
        CameraQueue<Integer> q = new CameraQueue<>(2, i -> true);
        q.offer(7);
        assertNull(q.pollIf(i -> false));
        assertEquals(1, q.size());
        assertEquals(7, q.pollIf(i -> true));
        assertNull(q.pollIf(i -> true));
    }

    @Test
    void putWaitsForRoomAndCloseReleasesWaiters() throws Exception {
        CameraQueue<Integer> q = new CameraQueue<>(1, i -> true);
        q.put(1);
        CompletableFuture<Void> second = CompletableFuture.runAsync(() -> put(q, 2));
        assertThrows(java.util.concurrent.TimeoutException.class, () -> second.get(300, TimeUnit.MILLISECONDS));
        assertEquals(1, q.pollIf(i -> true));
        second.get(10, TimeUnit.SECONDS);
        assertEquals(0, q.dropped(), "put never drops");

        CompletableFuture<Void> third = CompletableFuture.runAsync(() -> put(q, 3));
        assertFalse(third.isDone());
        assertEquals(List.of(2), q.close());
        var e = assertThrows(java.util.concurrent.ExecutionException.class, () -> third.get(10, TimeUnit.SECONDS));
        assertInstanceOf(IngestException.class, e.getCause());
        assertEquals(5, q.offer(5), "a closed queue takes nothing");
    }

    private static void put(CameraQueue<Integer> q, int i) {
        try {
            q.put(i);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> List<T> drain(CameraQueue<T> q) {
        List<T> out = new ArrayList<>();
        for (T t = q.pollIf(x -> true); t != null; t = q.pollIf(x -> true)) {
            out.add(t);
        }
        return out;
    }
}
