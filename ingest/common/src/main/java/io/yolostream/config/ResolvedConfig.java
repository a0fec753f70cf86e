package io.yolostream.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** Resolved values by key, where each came from, and the untyped entries of the open prefixes. */
public final class ResolvedConfig {
    private final ConfigSchema schema;
    private final Map<String, Object> values;
    private final Map<String, String> origins;
    private final Map<String, String> open;

    ResolvedConfig(ConfigSchema schema, Map<String, Object> values, Map<String, String> origins,
                   Map<String, String> open) {
        this.schema = schema;
        this.values = values;
        this.origins = origins;
        this.open = open;
    }

    public <T> T get(ConfigKey<T> key) {
        if (!values.containsKey(key.name())) {
            throw new IllegalArgumentException("key " + key.name() + " is not part of the " + schema.service()
                    + " configuration");
        }
        return key.type().cast(values.get(key.name()));
    }

    public String origin(ConfigKey<?> key) {
        return origins.get(key.name());
    }

    /** Entries of the open prefixes (e.g. {@code camera.front.url}), as written in the file. */
    public Map<String, String> open() {
        return Collections.unmodifiableMap(open);
    }

    /** "key = value (origin)" lines for a startup banner; secrets masked. */
    public String describe() {
        Map<String, String> lines = new LinkedHashMap<>();
        for (ConfigKey<?> k : schema.keys()) {
            Object v = values.get(k.name());
            lines.put(k.name(), (k.secret() && v != null ? "***" : String.valueOf(v)) + " (" + origins.get(k.name())
                    + ")");
        }
        return lines.entrySet().stream().map(e -> e.getKey() + " = " + e.getValue())
                .collect(Collectors.joining("\n"));
    }
}
