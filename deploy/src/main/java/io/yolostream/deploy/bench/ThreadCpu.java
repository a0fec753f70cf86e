package io.yolostream.deploy.bench;

import io.yolostream.detector.service.DetectService;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where the cores went: CPU time per thread of this process from /proc/self/task (Linux), grouped by what the threads
 * do, between two samples. ONNX Runtime's pool threads are native, so Java's thread MXBean cannot see them; /proc can,
 * and they carry the name of the thread that created them (the detector's model-open thread).
 */
final class ThreadCpu {
    /** The groups, in the order the bench prints them; "idle" is the cores' time nobody used. */
    static final List<String> GROUPS = List.of("inference", "jpeg+letterbox", "kafka clients", "broker", "jit", "gc",
            "bench", "other", "idle");
    private static final Path TASKS = Path.of("/proc/self/task");
    /** Linux' USER_HZ, the unit of /proc's utime and stime: 100 on every mainstream architecture. */
    private static final double SECONDS_PER_TICK = 0.01;

    private ThreadCpu() {
    }

    /** Ticks per thread id and the thread's name, at one instant; empty where there is no /proc. */
    record Sample(Map<Integer, Long> ticks, Map<Integer, String> names, long nanoTime) {
    }

    static Sample sample() {
        Map<Integer, Long> ticks = new HashMap<>();
        Map<Integer, String> names = new HashMap<>();
        long now = System.nanoTime();
        if (!Files.isDirectory(TASKS)) {
            return new Sample(ticks, names, now);
        }
        try (Stream<Path> all = Files.list(TASKS)) {
            for (Path task : (Iterable<Path>) all::iterator) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    int open = stat.indexOf('(');
                    int close = stat.lastIndexOf(')');
                    String[] f = stat.substring(close + 2).split(" ");
                    int tid = Integer.parseInt(task.getFileName().toString());
                    ticks.put(tid, Long.parseLong(f[11]) + Long.parseLong(f[12])); // utime, stime
                    names.put(tid, stat.substring(open + 1, close));
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            return new Sample(Map.of(), Map.of(), now);
        }
        return new Sample(ticks, names, now);
    }

    /** The group of a thread by its name as /proc shows it (at most 15 characters). */
    static String group(String name) {
        if (DetectService.isInferenceThread(name)) {
            return "inference";
        }
        if (name.startsWith("detector-prep")) {
            return "jpeg+letterbox";
        }
        if (name.startsWith("kafka-producer-") || name.startsWith("kafka-coordinat") || name.equals("detector-commit")) {
            return "kafka clients";
        }
        if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
            return "jit";
        }
        if (name.startsWith("GC Thread") || name.startsWith("G1 ") || name.equals("VM Thread")) {
            return "gc";
        }
        if (name.startsWith("bench-")) {
            return "bench";
        }
        if (name.startsWith("data-plane-kafk") || name.startsWith("kafka-") || name.startsWith("broker-")
                || name.startsWith("controller-") || name.startsWith("group-coordinat") || name.startsWith("share-")
                || name.startsWith("executor-") || name.startsWith("ExpirationReape") || name.startsWith("raft-")
                || name.startsWith("quorum-") || name.startsWith("transaction-") || name.startsWith("TxnMarker")
                || name.startsWith("AddPartitionsTo")) {
            return "broker";
        }
        return "other";
    }

    /**
     * Shares of all cores' time between two samples per group, "idle" included (they sum to about 1); empty when
     * either sample is empty or no time passed.
     */
    static Map<String, Double> shares(Sample from, Sample to, int cores) {
        double seconds = (to.nanoTime() - from.nanoTime()) / 1e9;
        Map<String, Double> out = new LinkedHashMap<>();
        if (from.ticks().isEmpty() || to.ticks().isEmpty() || seconds <= 0 || cores < 1) {
            return out;
        }
        GROUPS.forEach(g -> out.put(g, 0.0));
        double used = 0;
        for (Map.Entry<Integer, Long> e : to.ticks().entrySet()) {
            // a thread born inside the window counts from zero
            long ticks = e.getValue() - from.ticks().getOrDefault(e.getKey(), 0L);
            if (ticks <= 0) {
                continue;
            }
            double share = ticks * SECONDS_PER_TICK / seconds / cores;
            out.merge(group(to.names().get(e.getKey())), share, Double::sum);
            used += share;
        }
        out.put("idle", Math.max(0, 1 - used));
        return out;
    }
}
