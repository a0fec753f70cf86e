package io.yolostream.ingest.service;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.yolostream.ingest.source.CameraStats;
import io.yolostream.ingest.source.CameraWorker;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * A camera's source-side meters (tag {@code camera} = id, never the URL). In Prometheus:
 * {@code ingest_camera_frames_total{camera,stage=decoded|sampled}}, {@code ingest_camera_decode_errors_total},
 * {@code ingest_camera_reconnects_total}, {@code ingest_camera_connected}, {@code ingest_camera_fps{camera,side=in|out}}.
 * Publishing meters ({@code ingest_publish_*}) come from the publisher.
 */
final class CameraMeters {
    private final MeterRegistry registry;
    private final List<Meter> meters = new ArrayList<>();

    CameraMeters(MeterRegistry registry, CameraWorker worker) {
        this.registry = registry;
        String id = worker.spec().id();
        counter(worker, id, "ingest.camera.frames", "frames by stage", s -> s.framesDecoded(), "stage", "decoded");
        counter(worker, id, "ingest.camera.frames", "frames by stage", s -> s.framesSampled(), "stage", "sampled");
        counter(worker, id, "ingest.camera.decode.errors", "frames or connections lost to decode errors",
                s -> s.decodeErrors());
        counter(worker, id, "ingest.camera.reconnects", "reconnect attempts", s -> s.reconnects());
        meters.add(Gauge.builder("ingest.camera.connected", worker, w -> w.snapshot().connected() ? 1 : 0)
                .tag("camera", id).description("1 while the camera's stream is open").register(registry));
        meters.add(Gauge.builder("ingest.camera.fps", worker, w -> w.snapshot().fpsIn()).tag("camera", id)
                .tag("side", "in").description("frames per second decoded (in) and published (out)")
                .register(registry));
        meters.add(Gauge.builder("ingest.camera.fps", worker, w -> w.snapshot().fpsOut()).tag("camera", id)
                .tag("side", "out").description("frames per second decoded (in) and published (out)")
                .register(registry));
    }

    private void counter(CameraWorker worker, String id, String name, String doc, ToDoubleFunction<CameraStats> f,
                         String... tags) {
        FunctionCounter.Builder<CameraWorker> b = FunctionCounter.builder(name, worker, w -> f.applyAsDouble(w.snapshot()))
                .tag("camera", id).description(doc);
        for (int i = 0; i < tags.length; i += 2) {
            b.tag(tags[i], tags[i + 1]);
        }
        meters.add(b.register(registry));
    }

    /** Removes the camera's meters (camera removed or replaced). */
    void remove() {
        meters.forEach(registry::remove);
        meters.clear();
    }
}
