package io.yolostream.ingest.service;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.yolostream.ingest.publish.FramePublisher;
import io.yolostream.ingest.source.CameraSpec;

/**
 * The {@code yolostream ingest} service: the Kafka publisher, the cameras of the config, and the HTTP endpoints.
 * Started in that order and closed in reverse (cameras stop before the publisher drains and closes).
 */
public final class IngestService implements AutoCloseable {
    private final PrometheusMeterRegistry metrics;
    private final FramePublisher publisher;
    private final CameraRegistry cameras;
    private final ControlApi api;

    public IngestService(IngestConfig config) {
        metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        publisher = new FramePublisher(config.publisherConfig(), metrics);
        CameraRegistry reg = null;
        ControlApi http = null;
        try {
            reg = new CameraRegistry(publisher, publisher, config.sourceOptions(), config.reconnectPolicy(), metrics);
            for (CameraSpec spec : config.cameras()) {
                reg.put(spec);
            }
            http = new ControlApi(config.get(IngestConfig.HTTP_HOST), config.get(IngestConfig.HTTP_PORT), reg,
                    metrics, config.get(IngestConfig.API_TOKEN), config::camera);
        } catch (RuntimeException e) {
            if (reg != null) {
                reg.close();
            }
            publisher.close();
            throw e;
        }
        cameras = reg;
        api = http;
    }

    public CameraRegistry cameras() {
        return cameras;
    }

    public FramePublisher publisher() {
        return publisher;
    }

    public int httpPort() {
        return api.port();
    }

    @Override
    public void close() {
        api.close();
        cameras.close();
        publisher.close();
        metrics.close();
    }
}
