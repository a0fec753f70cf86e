package io.yolostream.detector.service;

import com.sun.jna.Library;
import com.sun.jna.Native;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Inference first. On few cores a parallel inference stalls whenever another thread takes one of its cores: ONNX
 * Runtime's intra-op threads wait for the slowest of them, so a core lost for a millisecond costs the batch that
 * millisecond on every core (measured on 2 cores: a thread busy 30 percent of one core slowed yolov2-tiny-voc from 47
 * to 37.5 frames/s; at nice 19 to 42.3, as SCHED_IDLE to 44). On Linux this keeper runs every other thread of the JVM
 * (JPEG workers, Kafka clients, an in-process broker, ingest in the all-in-one, the JIT and GC) as SCHED_IDLE or at a
 * higher nice value, so that they fill inference's idle gaps instead of stalling it.
 *
 * <p>Inference threads are known by the names {@link DetectService} gives them ({@link DetectService#isInferenceThread}:
 * ONNX Runtime's pool threads are created by the model-open thread and inherit its name); {@code java} is kept too
 * (the main thread, which starts services, and any thread in the instant before the JVM names it). Without
 * privileges a thread's priority only goes down and a new thread inherits its creator's, so a thread once lowered stays
 * lowered and inference threads must only be created by threads that never are: the names above see to that.
 *
 * <p>One keeper per JVM, shared by the detectors in it (the first one's setting), running while any holds a
 * {@link Lease}. Elsewhere than Linux, or without JNA's native library, it does nothing.
 */
final class InferencePriority {
    private static final Logger LOG = LoggerFactory.getLogger(InferencePriority.class);
    private static final Path TASKS = Path.of("/proc/self/task");
    private static final int PRIO_PROCESS = 0;
    private static final int SCHED_IDLE = 5;
    private static final LibC LIBC = loadLibC();

    private static ScheduledExecutorService scanner;
    private static int holders;
    private static Setting active;
    /** Threads already seen (lowered, or inference by name); pruned to the living each scan, as ids are reused. */
    private static final Set<Integer> seen = new HashSet<>();
    private static int lowered;
    private static boolean reported;

    private InferencePriority() {
    }

    private interface LibC extends Library {
        int getpriority(int which, int who);

        int setpriority(int which, int who, int prio);

        int sched_getscheduler(int pid);

        int sched_setscheduler(int pid, int policy, int[] param);
    }

    private static LibC loadLibC() {
        if (!Files.isDirectory(TASKS)) {
            return null;
        }
        try {
            return Native.load("c", LibC.class);
        } catch (LinkageError | RuntimeException e) { // no native dispatch library for this platform, or no /tmp
            LOG.info("inference-first thread priorities unavailable (no libc through JNA: {})", e.toString());
            return null;
        }
    }

    /** Whether this platform can lower threads (Linux with JNA's native library). */
    static boolean supported() {
        return LIBC != null;
    }

    /** Held by a detector while it runs; closing the last one stops the keeper (lowered threads stay lowered). */
    static final class Lease implements AutoCloseable {
        private final boolean active;
        private boolean closed;

        private Lease(boolean active) {
            this.active = active;
        }

        /** True when other threads are being lowered, so inference has the cores first. */
        boolean active() {
            return active;
        }

        @Override
        public void close() {
            synchronized (InferencePriority.class) {
                if (closed || !active) {
                    return;
                }
                closed = true;
                if (--holders == 0) {
                    scanner.shutdownNow();
                    scanner = null;
                }
            }
        }
    }

    /**
     * How far other threads go below inference: {@code idle} (Linux's SCHED_IDLE: they run only on a core nothing else
     * wants, and a waking inference thread takes it back at once), {@code nice:N} (1..19: a smaller share under
     * contention, ~10 percent at 10), or {@code off}.
     */
    record Setting(boolean idle, int nice) {
        static final Setting OFF = new Setting(false, 0);

        /** Parses the {@code background-priority} key's value; null when malformed. */
        static Setting parse(String text) {
            String v = text.strip().toLowerCase(java.util.Locale.ROOT);
            if (v.equals("off")) {
                return OFF;
            }
            if (v.equals("idle")) {
                return new Setting(true, 0);
            }
            if (v.startsWith("nice:")) {
                try {
                    int n = Integer.parseInt(v.substring(5).strip());
                    return n >= 1 && n <= 19 ? new Setting(false, n) : null;
                } catch (NumberFormatException e) {
                    return null;
                }
            }
            return null;
        }

        boolean isOff() {
            return !idle && nice == 0;
        }

        @Override
        public String toString() {
            return idle ? "idle" : isOff() ? "off" : "nice:" + nice;
        }
    }

    /**
     * Starts lowering every thread but inference's (checked every second, so new threads follow); {@code off} or an
     * unsupported platform gives an inactive lease.
     */
    static synchronized Lease acquire(Setting setting) {
        if (setting.isOff() || LIBC == null) {
            return new Lease(false);
        }
        if (holders++ == 0) {
            active = setting;
            reported = false;
            seen.clear(); // a new setting looks at every thread again
            lowered = 0;
            scanner = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "inference-priority");
                t.setDaemon(true);
                return t;
            });
            scanner.scheduleWithFixedDelay(InferencePriority::scanQuietly, 0, 1, TimeUnit.SECONDS);
        }
        return new Lease(true);
    }

    /**
     * True for a thread this keeper never lowers: a detector's inference threads, and "java" (main, which starts
     * services, and any thread not named yet).
     */
    static boolean isKeptThread(String comm) {
        return comm.equals("java") || DetectService.isInferenceThread(comm);
    }

    /** This thread's nice value (Linux), for tests and logs; Integer.MIN_VALUE when unknown. */
    static int niceOfCurrentThread() {
        if (LIBC == null) {
            return Integer.MIN_VALUE;
        }
        int tid = currentThreadId();
        return tid < 0 ? Integer.MIN_VALUE : LIBC.getpriority(PRIO_PROCESS, tid);
    }

    private static void scanQuietly() {
        try {
            scan();
        } catch (RuntimeException | IOException e) {
            LOG.debug("inference priority scan: " + e); // the next scan tries again; threads run as they are
        }
    }

    private static synchronized void scan() throws IOException {
        Set<Integer> living = new HashSet<>();
        try (Stream<Path> tasks = Files.list(TASKS)) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                int tid;
                try {
                    tid = Integer.parseInt(task.getFileName().toString());
                } catch (NumberFormatException e) {
                    continue;
                }
                living.add(tid);
                if (seen.contains(tid)) {
                    continue;
                }
                String comm;
                try {
                    comm = Files.readString(task.resolve("comm")).strip();
                } catch (IOException e) {
                    continue; // ended meanwhile
                }
                if (comm.equals("java")) {
                    continue; // main, or a thread not named yet: looked at again next time
                }
                seen.add(tid);
                if (isKeptThread(comm)) {
                    continue;
                }
                if (lower(tid)) {
                    lowered++;
                }
            }
        }
        seen.retainAll(living);
        if (!reported) {
            reported = true;
            LOG.info("inference first: {} other threads of this JVM at background priority {} (JPEG workers, Kafka,"
                    + " JIT, GC; checked every second), inference threads at their own", lowered, active);
        }
    }

    /** Lowers one thread; a thread someone lowered further keeps its value (only ever lowered). */
    private static boolean lower(int tid) {
        if (active.idle()) {
            int policy = LIBC.sched_getscheduler(tid);
            return policy == 0 /* SCHED_OTHER */ && LIBC.sched_setscheduler(tid, SCHED_IDLE, new int[]{0}) == 0;
        }
        return LIBC.getpriority(PRIO_PROCESS, tid) < active.nice()
                && LIBC.setpriority(PRIO_PROCESS, tid, active.nice()) == 0;
    }

    /** The scheduling policy of this thread (Linux: 0 normal, 5 idle), for tests; -1 when unknown. */
    static int policyOfCurrentThread() {
        int tid = LIBC == null ? -1 : currentThreadId();
        return tid < 0 ? -1 : LIBC.sched_getscheduler(tid);
    }

    /** This thread's Linux thread id, from /proc/thread-self; -1 when unknown. */
    private static int currentThreadId() {
        try {
            return Integer.parseInt(Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString());
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
