package io.yolostream.config;

import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * One configuration key, declared once: its kebab-case name (the flag {@code --name}, the file key {@code name}, the
 * environment variable {@code YOLOSTREAM_<SERVICE>_NAME}), type, default, documentation and validator.
 *
 * @param validator returns null when the value is fine, else what was expected (e.g. "a port 1..65535")
 * @param secret    never printed (tokens, passwords): {@link ResolvedConfig#describe()} masks it
 */
public record ConfigKey<T>(String name, Class<T> type, T defaultValue, String doc, Function<T, String> validator,
                           boolean secret) {

    public ConfigKey {
        Objects.requireNonNull(name, "name");
        if (!name.matches("[a-z][a-z0-9]*(-[a-z0-9]+)*")) {
            throw new IllegalArgumentException("config key names are kebab-case, found '" + name + "'");
        }
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(doc, "doc");
        if (validator == null) {
            validator = v -> null;
        }
    }

    public static ConfigKey<String> string(String name, String defaultValue, String doc) {
        return new ConfigKey<>(name, String.class, defaultValue, doc, null, false);
    }

    public static ConfigKey<String> secret(String name, String doc) {
        return new ConfigKey<>(name, String.class, null, doc, null, true);
    }

    public static ConfigKey<Integer> integer(String name, int defaultValue, int min, int max, String doc) {
        return new ConfigKey<>(name, Integer.class, defaultValue, doc,
                v -> v < min || v > max ? "an integer in " + min + ".." + max : null, false);
    }

    public static ConfigKey<Double> decimal(String name, double defaultValue, double min, double max, String doc) {
        return new ConfigKey<>(name, Double.class, defaultValue, doc,
                v -> !(v >= min && v <= max) ? "a number in " + min + ".." + max : null, false);
    }

    public static ConfigKey<Boolean> bool(String name, boolean defaultValue, String doc) {
        return new ConfigKey<>(name, Boolean.class, defaultValue, doc, null, false);
    }

    /** The environment variable for this key in a service: {@code YOLOSTREAM_INGEST_HTTP_PORT}. */
    public String envName(String service) {
        return "YOLOSTREAM_" + service.toUpperCase(Locale.ROOT) + "_"
                + name.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /** Parses a text value; returns null and adds nothing on success, else the expectation. */
    T parse(String text) {
        String t = text.strip();
        Object v;
        if (type == String.class) {
            v = t;
        } else if (type == Integer.class) {
            v = Integer.valueOf(t);
        } else if (type == Double.class) {
            v = Double.valueOf(t);
        } else if (type == Boolean.class) {
            if (!t.equalsIgnoreCase("true") && !t.equalsIgnoreCase("false")) {
                throw new IllegalArgumentException("true or false");
            }
            v = Boolean.valueOf(t);
        } else {
            throw new IllegalStateException("unsupported config type " + type);
        }
        return type.cast(v);
    }

    String expected() {
        if (type == Integer.class) {
            return "an integer";
        }
        if (type == Double.class) {
            return "a number";
        }
        if (type == Boolean.class) {
            return "true or false";
        }
        return "a string";
    }
}
