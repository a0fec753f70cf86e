/**
 * Cross-camera batching and the per-batch choice of input resolution. Pure Java: no Kafka, no ONNX Runtime; the
 * service wires them in. Nothing here reads a clock: every time-dependent call takes {@code nowMs} from the caller
 * (one monotonic millisecond clock for arrivals and "now", e.g. {@code System.nanoTime() / 1_000_000}), so tests drive
 * a fake clock. Costs are milliseconds as {@code double}; sizes are square input sides in pixels.
 *
 * <h2>API</h2>
 * <pre>{@code
 * // Batcher<T>: FIFO across cameras/partitions, like nvstreammux. Not thread-safe (the consumer loop owns it).
 * new Batcher<T>(int maxBatch, long maxWaitMs)
 * void add(T item, long arrivalMs)
 * Optional<Batch<T>> nextBatch(long nowMs)    // maxBatch items, or the oldest waited >= maxWaitMs; else empty
 * Optional<Batch<T>> flush(long nowMs)        // up to maxBatch items regardless of wait (shutdown); empty if none
 * long timeUntilDue(long nowMs)               // 0 = a batch is due now; maxWaitMs when empty (bound for poll)
 * int removeIf(Predicate<? super T> p)        // drop items of revoked partitions; returns how many
 * int size(); boolean isEmpty(); int maxBatch(); long maxWaitMs()
 * record Batch<T>(List<T> items, long oldestArrivalMs)   // int size(); long waitedMs(long nowMs)
 *
 * // ResolutionLadder: ascending multiples of 32, non-empty. Immutable.
 * ResolutionLadder.DEFAULT                    // 320, 352, ..., 608;  ResolutionLadder.STRIDE = 32
 * ResolutionLadder.of(int... sizes) / of(List<Integer>) / range(int min, int max, int step)
 * ResolutionLadder.parse(String)              // "320,352,416" or "320..608/32" (step defaults to 32: "320..608")
 * List<Integer> sizes(); int min(); int max(); int rungs(); int size(int rung); int rungOf(int size) // -1 absent
 *
 * // CostModel: ms per (batch, size); exponential running average; thread-safe.
 * new CostModel(ResolutionLadder ladder, int maxBatch)              // alpha 0.2
 * new CostModel(ResolutionLadder ladder, int maxBatch, double alpha)
 * void record(int batch, int size, double millis)   // first sample sets, later ones blend with alpha
 * OptionalDouble estimate(int batch, int size)      // measured, else interpolated (pixels, then batch); empty if none
 * boolean isEmpty()
 * List<CostModel.Run> warmUpPlan()                  // record Run(int batch, int size); <= 12 runs, see javadoc
 *
 * // ArrivalRate: frames/s over a sliding window. Thread-safe.
 * new ArrivalRate(long windowMs)
 * void record(long nowMs, int frames); double perSecond(long nowMs)
 *
 * // Resolution policy: one call per batch, from the consumer loop.
 * record BatchContext(int batchSize, long nowMs, long oldestAgeMs, long lag, double arrivalRate)
 * interface ResolutionPolicy { int choose(BatchContext ctx); String describe(); }
 * new FixedResolution(int size); FixedResolution.parse("fixed:416"); int size()   // any multiple of 32
 * new AdaptiveResolution(ResolutionLadder ladder, CostModel costs, AdaptiveResolution.Settings settings)
 *     int current()                           // last size chosen (ladder min before the first batch)
 * record AdaptiveResolution.Settings(long latencyBudgetMs, double headroom, long drainHorizonMs,
 *                                    int stepUpAfter, double stepUpSlack)   // Settings.DEFAULTS = 1000, 1.1, 5000, 3, 0.2
 *     withLatencyBudgetMs(long), withHeadroom(double), withDrainHorizonMs(long), withStepUpAfter(int),
 *     withStepUpSlack(double)
 * ResolutionPolicies.parse(String spec, ResolutionLadder ladder, CostModel costs, AdaptiveResolution.Settings s)
 *     // "fixed:N" | "adaptive" (trimmed, case-insensitive); ResolutionPolicies.DEFAULT_SPEC = "adaptive"
 *     // IllegalArgumentException "resolution policy: expected fixed:N or adaptive, found '...'"
 * // All validation failures are IllegalArgumentException naming the input, what was expected and what was found.
 * }</pre>
 *
 * <h2>How the service uses it</h2>
 * Per poll: {@code rate.record(now, records.count())}, {@code batcher.add(frame, now)} for each record, then
 * {@code poll(Duration.ofMillis(batcher.timeUntilDue(now)))}. When {@code nextBatch(now)} yields a batch, build a
 * {@link io.yolostream.detector.batch.BatchContext} (oldest age = now - capture time for live frames, now - arrival for
 * replay frames, whose capture times are historic; lag = frames still waiting: batcher size + consumer lag), call
 * {@code policy.choose(ctx)}, run the batch at that size and {@code costs.record(batch, size, ms)} with the time the
 * batch held the detector (inference + decode; preprocessing overlaps the previous batch). At start, run
 * {@code costs.warmUpPlan()} once each (discard a first JIT/allocation run if you run one) and record the timings.
 */
package io.yolostream.detector.batch;
