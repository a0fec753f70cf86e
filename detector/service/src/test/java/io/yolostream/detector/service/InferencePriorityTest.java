package io.yolostream.detector.service;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class InferencePriorityTest {

    @Test
    void inferenceThreadsAndMainAreKeptByTheNamesTheDetectorGivesThem() {
        assertTrue(InferencePriority.isKeptThread("detector-loop"));
        assertTrue(InferencePriority.isKeptThread("detector-model-")); // ONNX Runtime's pool, named by its creator
        assertTrue(InferencePriority.isKeptThread("detector-warm-u"));
        assertTrue(InferencePriority.isKeptThread("java"));
        assertFalse(InferencePriority.isKeptThread("detector-prep-1"));
        assertFalse(InferencePriority.isKeptThread("detector-commit"));
        assertFalse(InferencePriority.isKeptThread("C2 CompilerThre"));
        assertFalse(InferencePriority.isKeptThread("kafka-producer-"));
    }

    @Test
    void offLowersNothing() {
        try (InferencePriority.Lease lease = InferencePriority.acquire(InferencePriority.Setting.OFF)) {
            assertFalse(lease.active());
        }
    }

    @Test
    void otherThreadsAreLoweredAndInferenceThreadsKeepTheirPriority() throws Exception {
        assumeTrue(InferencePriority.supported(), "Linux with JNA only");
        int base = InferencePriority.niceOfCurrentThread(); // new threads start at their creator's
        assumeTrue(base < 7, "this thread runs at nice " + base);
        ParkedThread worker = new ParkedThread("some-worker");
        ParkedThread inference = new ParkedThread("detector-loop-t");
        try (InferencePriority.Lease lease = InferencePriority.acquire(InferencePriority.Setting.parse("nice:7"))) {
            assertTrue(lease.active());
            await().atMost(Duration.ofSeconds(30)).until(() -> nice(worker.tid.get()) == 7);
            // the scan that lowered the worker passed the inference thread too
            assertEquals(base, nice(inference.tid.get()));
            // a thread started later is lowered by a later scan
            ParkedThread late = new ParkedThread("late-worker");
            await().atMost(Duration.ofSeconds(30)).until(() -> nice(late.tid.get()) == 7);
            assertEquals(base, nice(inference.tid.get()));
            late.release();
        } finally {
            worker.release();
            inference.release();
        }
    }

    @Test
    void idleRunsOtherThreadsAsSchedIdle() throws Exception {
        assumeTrue(InferencePriority.supported(), "Linux with JNA only");
        assumeTrue(InferencePriority.policyOfCurrentThread() == 0, "this thread is not SCHED_OTHER");
        ParkedThread worker = new ParkedThread("idle-worker");
        ParkedThread inference = new ParkedThread("detector-model-t");
        try (InferencePriority.Lease lease = InferencePriority.acquire(InferencePriority.Setting.parse("idle"))) {
            assertTrue(lease.active());
            await().atMost(Duration.ofSeconds(30)).until(() -> policy(worker.tid.get()) == 5);
            assertEquals(0, policy(inference.tid.get()));
        } finally {
            worker.release();
            inference.release();
        }
    }

    @Test
    void settingsParseAndNameTheirValue() {
        assertEquals("idle", InferencePriority.Setting.parse(" IDLE ").toString());
        assertEquals("nice:19", InferencePriority.Setting.parse("nice:19").toString());
        assertTrue(InferencePriority.Setting.parse("off").isOff());
        assertEquals(null, InferencePriority.Setting.parse("nice:0"));
        assertEquals(null, InferencePriority.Setting.parse("nice:20"));
        assertEquals(null, InferencePriority.Setting.parse("low"));
    }

    /** Field 41 of /proc/self/task/TID/stat: the thread's scheduling policy. */
    private static int policy(int tid) throws Exception {
        String stat = Files.readString(Path.of("/proc/self/task/" + tid + "/stat"));
        String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(after[38]);
    }

    /** Field 19 of /proc/self/task/TID/stat: the thread's nice value. */
    private static int nice(int tid) throws Exception {
        String stat = Files.readString(Path.of("/proc/self/task/" + tid + "/stat"));
        String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(after[16]);
    }

    /** A thread that reports its Linux thread id and waits until released. */
    private static final class ParkedThread {
        final CompletableFuture<Integer> tid = new CompletableFuture<>();
        private final CountDownLatch done = new CountDownLatch(1);

        ParkedThread(String name) {
            Thread t = new Thread(() -> {
                try {
                    tid.complete(Integer.parseInt(Files.readSymbolicLink(Path.of("/proc/thread-self"))
                            .getFileName().toString()));
                    done.await();
                } catch (Exception e) {
                    tid.completeExceptionally(e);
                }
            }, name);
            t.setDaemon(true);
            t.start();
        }

        void release() {
            done.countDown();
        }
    }
}
