package io.yolostream.ingest.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.yolostream.ingest.IngestException;
import io.yolostream.ingest.publish.FramePublisher;
import io.yolostream.ingest.publish.PublishStats;
import io.yolostream.ingest.source.CameraSpec;
import io.yolostream.ingest.source.CameraStats;
import io.yolostream.ingest.source.CameraWorker;
import io.yolostream.ingest.source.FrameSink;
import io.yolostream.ingest.source.ReconnectPolicy;
import io.yolostream.ingest.source.VideoSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The running cameras: one {@link CameraWorker} (its own thread) each, all feeding one sink. Adding, changing and
 * removing cameras at runtime never touches the others.
 */
public final class CameraRegistry implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CameraRegistry.class);

    private final FrameSink sink;
    private final FramePublisher publisher;
    private final VideoSource.Options options;
    private final ReconnectPolicy policy;
    private final MeterRegistry registry;
    private final Map<String, CameraWorker> workers = new LinkedHashMap<>();
    private final Map<String, CameraMeters> meters = new LinkedHashMap<>();
    private boolean closed;

    /**
     * @param publisher source of publish counters for status (may be null when the sink is not a publisher)
     * @param registry  where per-camera meters go (may be null)
     */
    public CameraRegistry(FrameSink sink, FramePublisher publisher, VideoSource.Options options,
                          ReconnectPolicy policy, MeterRegistry registry) {
        this.registry = registry;
        this.sink = sink;
        this.publisher = publisher;
        this.options = options;
        this.policy = policy;
    }

    /** Starts the camera, replacing (stopping first) a running one with the same id. @return true if it replaced one */
    public synchronized boolean put(CameraSpec spec) {
        if (closed) {
            throw new IngestException("camera " + spec.id() + ": expected a running ingest service, found it stopped");
        }
        CameraWorker old = stop(spec.id());
        CameraWorker w = CameraWorker.start(spec, sink, options, policy);
        workers.put(spec.id(), w);
        if (registry != null) {
            meters.put(spec.id(), new CameraMeters(registry, w));
        }
        LOG.info("camera {} {}: {}", spec.id(), old == null ? "added" : "changed", spec);
        return old != null;
    }

    /** @return false when there was no such camera */
    public synchronized boolean remove(String id) {
        if (stop(id) == null) {
            return false;
        }
        LOG.info("camera {} removed", id);
        return true;
    }

    private CameraWorker stop(String id) {
        CameraMeters m = meters.remove(id);
        if (m != null) {
            m.remove();
        }
        CameraWorker w = workers.remove(id);
        if (w != null) {
            w.close();
        }
        return w;
    }

    public synchronized List<CameraSpec> specs() {
        return workers.values().stream().map(CameraWorker::spec).toList();
    }

    public synchronized Optional<CameraStatus> status(String id) {
        CameraWorker w = workers.get(id);
        return w == null ? Optional.empty() : Optional.of(status(w));
    }

    public synchronized List<CameraStatus> statuses() {
        List<CameraStatus> out = new ArrayList<>();
        for (CameraWorker w : workers.values()) {
            out.add(status(w));
        }
        return out;
    }

    private CameraStatus status(CameraWorker w) {
        CameraStats s = w.snapshot();
        PublishStats p = publisher == null ? null : publisher.stats(w.spec().id());
        return new CameraStatus(w.spec(), s, p);
    }

    @Override
    public synchronized void close() {
        closed = true;
        List<String> ids = new ArrayList<>(workers.keySet());
        for (int i = ids.size() - 1; i >= 0; i--) {
            stop(ids.get(i));
        }
    }
}
