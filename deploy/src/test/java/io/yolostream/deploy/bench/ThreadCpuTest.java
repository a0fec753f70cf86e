package io.yolostream.deploy.bench;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ThreadCpuTest {

    @Test
    void threadsAreGroupedByWhatTheyDo() {
        assertEquals("inference", ThreadCpu.group("detector-loop"));
        assertEquals("inference", ThreadCpu.group("detector-model-")); // ONNX Runtime's pool, named by its creator
        assertEquals("jpeg+letterbox", ThreadCpu.group("detector-prep-2"));
        assertEquals("kafka clients", ThreadCpu.group("kafka-producer-"));
        assertEquals("kafka clients", ThreadCpu.group("detector-commit"));
        assertEquals("broker", ThreadCpu.group("data-plane-kafk"));
        assertEquals("broker", ThreadCpu.group("kafka-1-raft-io"));
        assertEquals("jit", ThreadCpu.group("C2 CompilerThre"));
        assertEquals("gc", ThreadCpu.group("GC Thread#0"));
        assertEquals("bench", ThreadCpu.group("bench-detection"));
        assertEquals("other", ThreadCpu.group("detect-http-acc"));
    }

    @Test
    void sharesAreOfAllCoresAndTheRestIsIdle() {
        ThreadCpu.Sample from = new ThreadCpu.Sample(Map.of(1, 100L, 2, 50L),
                Map.of(1, "detector-loop", 2, "detector-prep-1"), 0);
        // 10 s later on 2 cores: the loop used 8 s, the worker 2 s, a thread born meanwhile ("C2") 1 s
        ThreadCpu.Sample to = new ThreadCpu.Sample(Map.of(1, 900L, 2, 250L, 3, 100L),
                Map.of(1, "detector-loop", 2, "detector-prep-1", 3, "C2 CompilerThre"), 10_000_000_000L);
        Map<String, Double> shares = ThreadCpu.shares(from, to, 2);
        assertEquals(0.40, shares.get("inference"), 1e-9);
        assertEquals(0.10, shares.get("jpeg+letterbox"), 1e-9);
        assertEquals(0.05, shares.get("jit"), 1e-9);
        assertEquals(0.45, shares.get("idle"), 1e-9);
        assertEquals(ThreadCpu.GROUPS, shares.keySet().stream().toList());
    }

    @Test
    void aBusyThreadShowsInItsGroup() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "Linux only");
        ThreadCpu.Sample from = ThreadCpu.sample();
        java.util.concurrent.CountDownLatch spun = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch sampled = new java.util.concurrent.CountDownLatch(1);
        Thread busy = new Thread(() -> {
            long end = System.nanoTime() + 300_000_000L;
            long x = 0;
            while (System.nanoTime() < end) {
                x += System.nanoTime() % 7;
            }
            if (x == 42) {
                System.out.println(x);
            }
            spun.countDown();
            try {
                sampled.await(); // alive while sampled: /proc forgets a thread that ended
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "detector-prep-t");
        busy.start();
        spun.await();
        ThreadCpu.Sample to = ThreadCpu.sample();
        sampled.countDown();
        busy.join();
        Map<String, Double> shares = ThreadCpu.shares(from, to, Runtime.getRuntime().availableProcessors());
        assertTrue(shares.get("jpeg+letterbox") > 0, "the busy worker's time shows: " + shares);
    }
}
