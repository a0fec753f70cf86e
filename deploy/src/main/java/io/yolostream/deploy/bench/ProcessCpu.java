package io.yolostream.deploy.bench;

import java.lang.management.ManagementFactory;

/**
 * CPU time used by this whole process, JIT compilation excepted (every other thread: broker, clients, detector, ONNX Runtime's native threads). On a
 * shared machine wall-clock frames/s move with the neighbours' load, CPU time per frame much less: it is what a frame
 * costs, whoever else runs.
 */
final class ProcessCpu {
    private ProcessCpu() {
    }

    /**
     * Nanoseconds of CPU used so far less the JIT compiler's time, or -1 where the JVM does not say. The JIT is left
     * out because a short run of a fresh JVM spends a fifth or more of its CPU compiling Kafka's and our code paths,
     * which a long-running service does once: this is the steady state's cost.
     */
    static long nanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            long cpu = os.getProcessCpuTime();
            var jit = ManagementFactory.getCompilationMXBean();
            long compiling = jit != null && jit.isCompilationTimeMonitoringSupported()
                    ? jit.getTotalCompilationTime() * 1_000_000 : 0;
            return cpu < 0 ? -1 : cpu - compiling;
        }
        return -1;
    }

    /** CPU milliseconds per frame between two {@link #nanos()} readings; NaN when unknown. */
    static double msPerFrame(long from, long to, int frames) {
        return from >= 0 && to >= from && frames > 0 ? (to - from) / 1e6 / frames : Double.NaN;
    }
}
