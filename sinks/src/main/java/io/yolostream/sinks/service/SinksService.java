package io.yolostream.sinks.service;

import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.yolostream.sinks.annotate.AnnotateSelection;
import io.yolostream.sinks.annotate.Watchers;
import io.yolostream.sinks.common.SinksException;
import io.yolostream.sinks.common.SinksMetrics;
import io.yolostream.sinks.config.SinksConfig;
import io.yolostream.sinks.counts.CountsQuery;
import io.yolostream.sinks.counts.CountsTopology;
import io.yolostream.sinks.health.HealthQuery;
import io.yolostream.sinks.health.HealthTopology;
import io.yolostream.sinks.topology.SinksTopology;
import io.yolostream.sinks.web.LiveView;
import io.yolostream.sinks.web.WebPages;
import io.yolostream.sinks.tracking.TrackingTopology;
import io.yolostream.sinks.zones.ZoneWriter;
import io.yolostream.sinks.zones.http.ZonesApi;
import org.apache.kafka.streams.KafkaClientSupplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.processor.internals.DefaultKafkaClientSupplier;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The {@code yolostream sinks} service: checks Kafka and creates the output topics, serves HTTP ({@code /counts},
 * {@code /metrics}, {@code /health}, the live view at {@code /}), and runs the sinks topology as one Kafka Streams
 * app (exactly-once v2).
 * Constructing it starts everything; {@link #close()} stops it in reverse order. A stream thread that dies on a Kafka
 * transaction error (a broker lost under it) is replaced ({@link StreamThreadFailures}); any other fatal Streams error
 * stops the app (health turns DOWN, {@link #awaitTermination()} returns with it).
 */
public final class SinksService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SinksService.class);
    /** Stream threads replaced after Kafka transaction errors, at most this many within the window, then stop. */
    private static final int MAX_THREAD_REPLACEMENTS = 5;
    private static final Duration THREAD_REPLACEMENT_WINDOW = Duration.ofMinutes(10);

    private final SinksConfig config;
    private final PrometheusMeterRegistry registry;
    private final SinksMetrics metrics;
    private final SinksHttp http;
    private final LiveView live;
    private final WebPages web;
    private final ZoneWriter zoneWriter;
    private volatile KafkaStreams streams;
    private final KafkaStreamsMetrics streamsMetrics;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private boolean closed;
    private volatile boolean stoppedCleanly;

    public SinksService(SinksConfig config) {
        this(config, new DefaultKafkaClientSupplier());
    }

    /** With the Kafka clients of {@code clients} (tests fail a stream thread's producer through it). */
    SinksService(SinksConfig config, KafkaClientSupplier clients) {
        this.config = config;
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            SinksTopics.checkAndCreate(config);
            ZoneWriter zones = null;
            if (config.tracking()) {
                zones = new ZoneWriter(config.get(SinksConfig.BOOTSTRAP_SERVERS).strip(),
                        config.kafkaOverrides(), config.zonesTopic());
                opened.add(zones);
                // the configured zones are (re)written at every start; the API's changes last until the next one
                zones.putAll(config.configZones(), "config");
            }
            zoneWriter = zones;
            registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            opened.add(registry::close);
            metrics = new SinksMetrics(registry);
            Watchers watchers = new Watchers(config.watchTtl());
            live = new LiveView(config.hierarchy(), watchers);
            metrics.viewers(live::viewers);
            AnnotateSelection selection = AnnotateSelection.of(config, watchers);
            web = new WebPages(live, selection, config.get(SinksConfig.LIVE_MAX_VIEWERS),
                    config.get(SinksConfig.LIVE_MAX_VIEWERS_PER_CAMERA));
            opened.add(web);
            ZonesApi zonesApi = zoneWriter == null ? null : new ZonesApi(zoneWriter, this::zonesStore);
            http = new SinksHttp(config, registry, this::health, web, zonesApi);
            opened.add(http);
            Topology topology = SinksTopology.buildTopology(config, metrics, live, selection);
            streams = new KafkaStreams(topology, SinksTopology.streamsProperties(config, http.port(), metrics::dlq),
                    clients);
            opened.add(() -> streams.close(Duration.ofSeconds(30)));
            StreamThreadFailures threadFailures = new StreamThreadFailures(MAX_THREAD_REPLACEMENTS,
                    THREAD_REPLACEMENT_WINDOW, System::nanoTime);
            streams.setUncaughtExceptionHandler(e -> {
                StreamThreadFailures.Decision d = threadFailures.decide(e);
                if (d.replaces()) {
                    metrics.threadReplaced();
                    LOG.warn("sinks stream thread failed on a Kafka transaction error, replacing it (its transaction"
                            + " is aborted; the new thread resumes from the last commit): {}", d.reason());
                    return d.response();
                }
                failure.compareAndSet(null, e);
                LOG.error("sinks stream thread failed (" + d.reason() + "); stopping the app: " + e, e);
                return d.response();
            });
            StateRestoreLog restoreLog = new StateRestoreLog(LOG, Set.of(CountsTopology.STORE, HealthTopology.STORE));
            streams.setGlobalStateRestoreListener(restoreLog);
            streams.setStateListener((now, before) -> {
                if (now == KafkaStreams.State.RUNNING) {
                    restoreLog.running();
                }
                if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) {
                    stopped.countDown();
                }
            });
            streamsMetrics = new KafkaStreamsMetrics(streams);
            streamsMetrics.bindTo(registry);
            opened.add(streamsMetrics);
            CountsQuery counts = new CountsQuery(streams, config, new HostInfo(config.advertisedHost(), http.port()));
            http.counts(counts);
            web.queries(counts, new HealthQuery(streams));
            streams.start();
        } catch (RuntimeException e) {
            for (int i = opened.size() - 1; i >= 0; i--) {
                closeQuietly(opened.get(i));
            }
            throw e;
        }
        LOG.info("sinks reading {}, routing {}, window {} (grace {}), HTTP on port {}",
                config.detectionsTopic(), config.subscriptions().stream().map(s -> s.token() + " -> " + s.topic())
                        .toList(), config.window(), config.grace(), http.port());
        LOG.info("hierarchy: {}", config.hierarchy().describe());
    }

    /** This instance's copy of the zones topic (the global store). */
    private ReadOnlyKeyValueStore<String, byte[]> zonesStore() {
        KafkaStreams s = streams;
        if (s == null) {
            throw new InvalidStateStoreException("the Streams app is not created yet");
        }
        return s.store(StoreQueryParameters.fromNameAndType(TrackingTopology.ZONES_STORE,
                QueryableStoreTypes.keyValueStore()));
    }

    private Map<String, Object> health() {
        Map<String, Object> body = new LinkedHashMap<>();
        KafkaStreams.State s = streams == null ? KafkaStreams.State.CREATED : streams.state();
        boolean up = s == KafkaStreams.State.RUNNING || s == KafkaStreams.State.REBALANCING;
        body.put("status", up ? "UP" : "DOWN");
        body.put("state", s.name());
        body.put("detectionsTopic", config.detectionsTopic());
        body.put("topics", config.outputTopics());
        Throwable f = failure.get();
        if (f != null) {
            body.put("error", String.valueOf(f.getMessage()));
        }
        return body;
    }

    public SinksConfig config() {
        return config;
    }

    /** The HTTP port (the configured one, or the one chosen for {@code http-port=0}). */
    public int httpPort() {
        return http.port();
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** What the web page of this process shows. */
    public LiveView liveView() {
        return live;
    }

    public SinksMetrics metrics() {
        return metrics;
    }

    /** Waits up to {@code timeout} for the app to reach RUNNING; false if it did not. */
    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (System.nanoTime() > deadline || !streams.state().isRunningOrRebalancing()
                    && streams.state() != KafkaStreams.State.CREATED) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }

    /** Blocks until the app stops ({@link #close()} or a fatal error); rethrows that error. */
    public void awaitTermination() throws InterruptedException {
        stopped.await();
        Throwable f = failure.get();
        if (f != null) {
            throw new SinksException("sinks stream thread failed: " + f, f);
        }
    }

    /** Like {@link #awaitTermination()}, at most {@code timeout}; true when the app stopped. */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeQuietly(streamsMetrics);
        long start = System.nanoTime();
        // a clean close commits each store's changelog offsets into the store: the next start resumes from them
        boolean clean = streams.close(Duration.ofSeconds(30));
        stoppedCleanly = clean;
        if (clean) {
            LOG.info("sinks stopped cleanly in {} ms (state stores committed: the next start resumes from them)",
                    (System.nanoTime() - start) / 1_000_000);
        } else {
            LOG.warn("sinks: Kafka Streams did not stop within 30 s (state {}); the next start restores what its"
                    + " stores miss from the changelogs", streams.state());
        }
        stopped.countDown();
        closeQuietly(web);
        closeQuietly(http);
        if (zoneWriter != null) {
            // after the HTTP server (its zones routes write through it): an open producer would keep reconnecting
            closeQuietly(zoneWriter);
        }
        closeQuietly(registry::close);
    }

    /** After {@link #close()}: whether Kafka Streams stopped in time, its stores' offsets committed. */
    public boolean stoppedCleanly() {
        return stoppedCleanly;
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.warn("closing " + c + ": " + e, e);
        }
    }
}
