package io.yolostream.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The keys of one service and the one function that resolves them: defaults &lt; file &lt; environment &lt; flags.
 * Every problem (unknown key, unparsable or invalid value) is collected and reported at once.
 */
public final class ConfigSchema {
    private final String service;
    private final Map<String, ConfigKey<?>> keys = new LinkedHashMap<>();
    private final List<String> openPrefixes;

    /**
     * @param openPrefixes file keys starting with one of these are passed through untyped (e.g. {@code camera.}
     *                     entries or {@code kafka.} client overrides); they are not checked here
     */
    public ConfigSchema(String service, List<ConfigKey<?>> keys, List<String> openPrefixes) {
        this.service = service;
        for (ConfigKey<?> k : keys) {
            if (this.keys.put(k.name(), k) != null) {
                throw new IllegalArgumentException("config key declared twice: " + k.name());
            }
        }
        this.openPrefixes = List.copyOf(openPrefixes);
    }

    public String service() {
        return service;
    }

    public List<ConfigKey<?>> keys() {
        return List.copyOf(keys.values());
    }

    /**
     * @param file  the {@code --config} file's entries (may be empty)
     * @param env   the process environment (only {@code YOLOSTREAM_<SERVICE>_*} entries are read)
     * @param flags values given on the command line, by key name
     */
    public ResolvedConfig resolve(Properties file, Map<String, String> env, Map<String, String> flags) {
        List<String> problems = new ArrayList<>();
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, String> origins = new LinkedHashMap<>();
        Map<String, String> open = new LinkedHashMap<>();
        for (ConfigKey<?> k : keys.values()) {
            values.put(k.name(), k.defaultValue());
            origins.put(k.name(), "default");
        }
        for (String name : file.stringPropertyNames()) {
            if (keys.containsKey(name)) {
                set(keys.get(name), file.getProperty(name), "file", values, origins, problems);
            } else if (openPrefixes.stream().anyMatch(name::startsWith)) {
                open.put(name, file.getProperty(name));
            } else {
                problems.add("config file: unknown key '" + name + "'; expected one of " + keys.keySet()
                        + (openPrefixes.isEmpty() ? "" : " or a key starting with " + openPrefixes));
            }
        }
        String envPrefix = "YOLOSTREAM_" + service.toUpperCase(java.util.Locale.ROOT) + "_";
        for (Map.Entry<String, String> e : env.entrySet()) {
            if (!e.getKey().startsWith(envPrefix)) {
                continue;
            }
            ConfigKey<?> k = keys.values().stream().filter(c -> c.envName(service).equals(e.getKey())).findFirst()
                    .orElse(null);
            if (k == null) {
                problems.add("environment: unknown variable " + e.getKey() + "; expected one of "
                        + keys.values().stream().map(c -> c.envName(service)).toList());
            } else {
                set(k, e.getValue(), "environment " + e.getKey(), values, origins, problems);
            }
        }
        for (Map.Entry<String, String> e : flags.entrySet()) {
            ConfigKey<?> k = keys.get(e.getKey());
            if (k == null) {
                problems.add("flag --" + e.getKey() + ": unknown");
            } else {
                set(k, e.getValue(), "flag --" + k.name(), values, origins, problems);
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(service + " configuration has " + problems.size() + " problem"
                    + (problems.size() == 1 ? "" : "s") + ":\n  - " + String.join("\n  - ", problems));
        }
        return new ResolvedConfig(this, values, origins, open);
    }

    private static <T> void set(ConfigKey<T> k, String text, String origin, Map<String, Object> values,
                                Map<String, String> origins, List<String> problems) {
        T v;
        try {
            v = k.parse(text);
        } catch (IllegalArgumentException e) {
            problems.add(origin + ": " + k.name() + " expected " + k.expected() + ", found '"
                    + (k.secret() ? "***" : text) + "'");
            return;
        }
        String invalid = k.validator().apply(v);
        if (invalid != null) {
            problems.add(origin + ": " + k.name() + " expected " + invalid + ", found '"
                    + (k.secret() ? "***" : text.strip()) + "'");
            return;
        }
        values.put(k.name(), v);
        origins.put(k.name(), origin);
    }
}
