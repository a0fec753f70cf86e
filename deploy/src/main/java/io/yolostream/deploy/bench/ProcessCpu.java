package io.yolostream.deploy.bench;

import java.lang.management.ManagementFactory;

/**
 * CPU time used by this whole process (every thread: broker, clients, detector, ONNX Runtime's native threads). On a
 * shared machine wall-clock frames/s move with the neighbours' load, CPU time per frame much less: it is what a frame
 * costs, whoever else runs.
 */
final class ProcessCpu {
    private ProcessCpu() {
    }

    /** Nanoseconds of CPU used so far, or -1 where the JVM does not say. */
    static long nanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    /** CPU milliseconds per frame between two {@link #nanos()} readings; NaN when unknown. */
    static double msPerFrame(long from, long to, int frames) {
        return from >= 0 && to >= from && frames > 0 ? (to - from) / 1e6 / frames : Double.NaN;
    }
}
