package io.yolostream.detector.service;

import io.yolostream.detector.opencv.OpenCvImages;
import io.yolostream.detector.preprocess.Preprocessor;
import io.yolostream.detector.preprocess.RgbImage;
import io.yolostream.ingest.avro.Frame;
import io.yolostream.ingest.avro.SourceKind;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stage one of the pipeline: JPEG decode and letterbox of a batch's frames on a worker pool, while the loop thread
 * runs inference of the previous batch. Stale live frames are not decoded; undecodable JPEGs become BAD_IMAGE slots.
 */
final class BatchPreparer implements AutoCloseable {
    private final Preprocessor preprocessor;
    private final long maxAgeMs;
    private final ExecutorService workers;
    private final ExecutorService coordinator;
    private final InputBuffers buffers = new InputBuffers();

    /** @param maxAgeMs live frames older than this are STALE; 0 = never */
    BatchPreparer(Preprocessor preprocessor, int workers, long maxAgeMs) {
        this.preprocessor = preprocessor;
        this.maxAgeMs = maxAgeMs;
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(workers, r -> daemon(r, "detector-prep-" + n.incrementAndGet()));
        // the coordinator waits on the workers, so it must not be one of them
        this.coordinator = Executors.newSingleThreadExecutor(r -> daemon(r, "detector-prep"));
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Live frames older than the maximum age are not run; replay frames never are skipped. */
    static boolean isStale(Frame f, long nowMs, long maxAgeMs) {
        return maxAgeMs > 0 && f.getSource() == SourceKind.LIVE
                && nowMs - f.getCaptureTime().toEpochMilli() > maxAgeMs;
    }

    boolean isStale(Incoming in, long nowMs) {
        return in.kind() == Incoming.Kind.FRAME && isStale(in.frame(), nowMs, maxAgeMs);
    }

    CompletableFuture<PreparedBatch> prepare(List<Incoming> items, int size, long startMs) {
        return CompletableFuture.supplyAsync(() -> prepareNow(items, size, startMs), coordinator);
    }

    private PreparedBatch prepareNow(List<Incoming> items, int size, long startMs) {
        int n = items.size();
        PreparedBatch.Outcome[] outcome = new PreparedBatch.Outcome[n];
        String[] reason = new String[n];
        RgbImage[] images = new RgbImage[n];
        long[] jpegNanos = new long[n];
        long t0 = System.nanoTime();
        List<CompletableFuture<Void>> decodes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Incoming in = items.get(i);
            switch (in.kind()) {
                case END_OF_STREAM -> outcome[i] = PreparedBatch.Outcome.END_OF_STREAM;
                case UNREADABLE -> {
                    outcome[i] = PreparedBatch.Outcome.UNREADABLE;
                    reason[i] = in.error();
                }
                case FRAME -> {
                    long age = startMs - in.frame().getCaptureTime().toEpochMilli();
                    if (isStale(in.frame(), startMs, maxAgeMs)) {
                        outcome[i] = PreparedBatch.Outcome.STALE;
                        reason[i] = "live frame " + age + " ms old at batch start, above max-age-ms " + maxAgeMs;
                    } else {
                        int k = i;
                        decodes.add(CompletableFuture.runAsync(() -> decode(in, k, outcome, reason, images,
                                jpegNanos), workers));
                    }
                }
            }
        }
        CompletableFuture.allOf(decodes.toArray(CompletableFuture[]::new)).join();
        long t1 = System.nanoTime();
        int runCount = 0;
        int[] index = new int[n];
        for (int i = 0; i < n; i++) {
            index[i] = outcome[i] == PreparedBatch.Outcome.RUN ? runCount++ : -1;
        }
        int per = 3 * size * size;
        FloatBuffer input = runCount == 0 ? null : buffers.acquire(runCount * per);
        long[] preNanos = new long[n];
        List<CompletableFuture<Void>> boxes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (index[i] >= 0) {
                int k = i;
                boxes.add(CompletableFuture.runAsync(() -> {
                    long s = System.nanoTime();
                    preprocessor.letterbox(images[k], size, size, input, index[k] * per);
                    preNanos[k] = System.nanoTime() - s;
                }, workers));
            }
        }
        CompletableFuture.allOf(boxes.toArray(CompletableFuture[]::new)).join();
        long t2 = System.nanoTime();
        List<PreparedBatch.Slot> slots = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            slots.add(new PreparedBatch.Slot(items.get(i), outcome[i], index[i], images[i], reason[i],
                    jpegNanos[i] / 1e6f, preNanos[i] / 1e6f));
        }
        return new PreparedBatch(slots, size, input, runCount, startMs, t1 - t0, t2 - t1);
    }

    private static void decode(Incoming in, int i, PreparedBatch.Outcome[] outcome, String[] reason,
                               RgbImage[] images, long[] jpegNanos) {
        long s = System.nanoTime();
        try {
            ByteBuffer img = in.frame().getImage().duplicate();
            byte[] bytes = new byte[img.remaining()];
            img.get(bytes);
            images[i] = OpenCvImages.decode(bytes, in.where());
            outcome[i] = PreparedBatch.Outcome.RUN;
        } catch (RuntimeException e) {
            outcome[i] = PreparedBatch.Outcome.BAD_IMAGE;
            reason[i] = e.getMessage() == null ? e.toString() : e.getMessage();
        }
        jpegNanos[i] = System.nanoTime() - s;
    }

    /** The batch's input buffer back to the pool, once inference has read it. */
    void release(PreparedBatch batch) {
        buffers.release(batch.input());
    }

    @Override
    public void close() {
        coordinator.shutdownNow();
        workers.shutdownNow();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
