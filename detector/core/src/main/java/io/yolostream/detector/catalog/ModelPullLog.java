package io.yolostream.detector.catalog;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;

/** Download progress for services: one log line per file per 25% (services have logs, not terminals). */
public final class ModelPullLog implements ModelStore.Progress {
    public static final ModelPullLog INSTANCE = new ModelPullLog();
    private static final Logger LOG = LoggerFactory.getLogger(ModelPullLog.class);

    private final Map<String, Integer> quarters = new HashMap<>();

    @Override
    public synchronized void update(ModelFile file, long bytes, long total) {
        int q = total > 0 ? (int) (4 * bytes / total) : (bytes == 0 ? 0 : 1);
        Integer last = quarters.put(file.name(), q);
        if (last == null || q > last) {
            LOG.info("model download {}: {} MB of {}", file.name(),
                    String.format(java.util.Locale.ROOT, "%.1f", bytes / 1e6),
                    total > 0 ? String.format(java.util.Locale.ROOT, "%.1f MB", total / 1e6) : "unknown size");
        }
        if (total > 0 && bytes >= total) {
            quarters.remove(file.name());
        }
    }
}
