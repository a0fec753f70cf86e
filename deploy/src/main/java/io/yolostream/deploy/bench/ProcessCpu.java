package io.yolostream.deploy.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * CPU time used by this whole process, JIT compilation excepted (every other thread: broker, clients, detector, ONNX
 * Runtime's native threads). On a shared machine wall-clock frames/s move with the neighbours' load, CPU time per
 * frame much less: it is what a frame costs, whoever else runs. The JIT compiler threads are left out (where Linux'
 * /proc names them) because a short run of a fresh JVM spends a fifth or more of its CPU compiling Kafka's and our
 * code paths, which a long-running service does once: this is the steady state's cost.
 */
final class ProcessCpu {
    /** Linux' USER_HZ, the unit of /proc's utime and stime: 100 on every mainstream architecture. */
    private static final long NANOS_PER_TICK = 10_000_000L;

    private ProcessCpu() {
    }

    /** Nanoseconds of CPU used so far, less the live JIT compiler threads' own; -1 where the JVM does not say. */
    static long nanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            long cpu = os.getProcessCpuTime();
            return cpu < 0 ? -1 : cpu - compilerNanos();
        }
        return -1;
    }

    /** CPU of the threads named "C1/C2 CompilerThread..." in /proc/self/task; 0 where there is no /proc. */
    private static long compilerNanos() {
        Path tasks = Path.of("/proc/self/task");
        if (!Files.isDirectory(tasks)) {
            return 0;
        }
        long ticks = 0;
        try (Stream<Path> all = Files.list(tasks)) {
            for (Path task : (Iterable<Path>) all::iterator) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    int open = stat.indexOf('(');
                    int close = stat.lastIndexOf(')');
                    String name = stat.substring(open + 1, close);
                    if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
                        String[] f = stat.substring(close + 2).split(" ");
                        ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
                    }
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile: its time stays in the total, a small overestimate
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return ticks * NANOS_PER_TICK;
    }

    /** CPU milliseconds per frame between two {@link #nanos()} readings; NaN when unknown. */
    static double msPerFrame(long from, long to, int frames) {
        return from >= 0 && to >= from && frames > 0 ? (to - from) / 1e6 / frames : Double.NaN;
    }
}
