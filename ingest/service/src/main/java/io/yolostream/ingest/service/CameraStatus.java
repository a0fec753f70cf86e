package io.yolostream.ingest.service;

import io.yolostream.config.UrlMasker;
import io.yolostream.ingest.publish.PublishStats;
import io.yolostream.ingest.source.CameraSpec;
import io.yolostream.ingest.source.CameraStats;

import java.util.LinkedHashMap;
import java.util.Map;

/** A camera as the control API shows it: its configuration (URL masked), source side and publish side. */
public record CameraStatus(CameraSpec spec, CameraStats source, PublishStats publish) {

    /** JSON-ready view; credentials masked. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", spec.id());
        m.put("url", UrlMasker.mask(spec.url()));
        m.put("fps", spec.targetFps());
        m.put("maxWidth", spec.maxWidth());
        m.put("maxHeight", spec.maxHeight());
        m.put("quality", spec.quality());
        m.put("transport", spec.transport().value());
        m.put("connected", source.connected());
        m.put("source", source.source().name());
        m.put("sessionId", source.sessionId());
        m.put("since", str(source.since()));
        m.put("fpsIn", round(source.fpsIn()));
        m.put("fpsOut", round(source.fpsOut()));
        m.put("framesDecoded", source.framesDecoded());
        m.put("framesSampled", source.framesSampled());
        m.put("decodeErrors", source.decodeErrors());
        m.put("reconnects", source.reconnects());
        m.put("width", source.width());
        m.put("height", source.height());
        m.put("lastFrameAt", str(source.lastFrameAt()));
        String lastError = source.lastError();
        Object lastErrorAt = source.lastErrorAt();
        if (publish != null) {
            m.put("framesPublished", publish.published());
            m.put("framesDropped", publish.dropped());
            m.put("framesFailed", publish.failed());
            m.put("framesReencoded", publish.reencoded());
            m.put("queueDepth", publish.queueDepth());
            m.put("lastSequence", publish.lastSequence());
            m.put("publishLatencyMs", round(publish.lastLatencyMillis()));
            if (publish.lastErrorTime() != null && (source.lastErrorAt() == null
                    || publish.lastErrorTime().isAfter(source.lastErrorAt()))) {
                lastError = "kafka: " + publish.lastError();
                lastErrorAt = publish.lastErrorTime();
            }
        }
        m.put("lastError", lastError == null ? null : UrlMasker.maskAll(lastError));
        m.put("lastErrorAt", str(lastErrorAt));
        return m;
    }

    private static String str(Object o) {
        return o == null ? null : o.toString();
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
