package io.yolostream.deploy.bench;

import java.lang.management.ManagementFactory;

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
        return nanos(ThreadCpu.sample());
    }

    /** As {@link #nanos()}, the JIT threads' time taken from {@code threads}, a sample taken just now. */
    static long nanos(ThreadCpu.Sample threads) {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            long cpu = os.getProcessCpuTime();
            return cpu < 0 ? -1 : cpu - compilerNanos(threads);
        }
        return -1;
    }

    /** CPU of the threads named "C1/C2 CompilerThread..." in a sample; 0 where there is no /proc. */
    private static long compilerNanos(ThreadCpu.Sample threads) {
        long ticks = 0;
        for (var e : threads.ticks().entrySet()) {
            if (ThreadCpu.group(threads.names().get(e.getKey())).equals("jit")) {
                ticks += e.getValue();
            }
        }
        return ticks * NANOS_PER_TICK;
    }

    /** CPU milliseconds per frame between two {@link #nanos()} readings; NaN when unknown. */
    static double msPerFrame(long from, long to, int frames) {
        return from >= 0 && to >= from && frames > 0 ? (to - from) / 1e6 / frames : Double.NaN;
    }
}
