package io.yolostream.detector.darknet;

import io.yolostream.detector.model.ModelException;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * One {@code [section]} of a darknet cfg file with its options and where each was written, so that errors can
 * point at a line. Reading an option marks it used; {@link #unused()} tells which keys nothing looked at.
 */
public final class CfgSection {
    private final String source;
    private final String type;
    private final int line;
    private final Map<String, String> values = new LinkedHashMap<>();
    private final Map<String, Integer> lines = new LinkedHashMap<>();

    CfgSection(String source, String type, int line) {
        this.source = source;
        this.type = type;
        this.line = line;
    }

    void put(String key, String value, int lineNo) {
        values.put(key, value);
        lines.put(key, lineNo);
    }

    public String type() {
        return type;
    }

    public int line() {
        return line;
    }

    /** "yolov2.cfg:42 [convolutional]" — the prefix of every error about this section. */
    public String where() {
        return source + ":" + line + " [" + type + "]";
    }

    public String where(String key) {
        Integer l = lines.get(key);
        return source + ":" + (l == null ? line : l) + " [" + type + "] " + key;
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    public Set<String> keys() {
        return Collections.unmodifiableSet(values.keySet());
    }

    public String string(String key, String fallback) {
        return values.getOrDefault(key, fallback);
    }

    public int integer(String key, int fallback) {
        String v = values.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            // darknet reads with atoi; accept "1.0"-style values that are whole numbers
            try {
                double d = Double.parseDouble(v);
                if (d == Math.rint(d)) {
                    return (int) d;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw new ModelException(where(key) + ": expected an integer, found '" + v + "'");
        }
    }

    public float number(String key, float fallback) {
        String v = values.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            return Float.parseFloat(v);
        } catch (NumberFormatException e) {
            throw new ModelException(where(key) + ": expected a number, found '" + v + "'");
        }
    }

    public int[] integers(String key) {
        String v = values.get(key);
        if (v == null || v.isEmpty()) {
            throw new ModelException(where() + ": expected option '" + key + "', found none");
        }
        String[] parts = v.split(",");
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Integer.parseInt(parts[i]);
            } catch (NumberFormatException e) {
                throw new ModelException(where(key) + ": expected comma-separated integers, found '" + v + "'");
            }
        }
        return out;
    }

    /** Refuses options whose value changes the computation in a way the converter does not implement. */
    public void requireDefault(String key, String expected) {
        String v = values.get(key);
        if (v != null && !v.equals(expected)) {
            throw new ModelException(where(key) + ": expected " + key + "=" + expected
                    + " (the only value supported), found '" + v + "'");
        }
    }
}
