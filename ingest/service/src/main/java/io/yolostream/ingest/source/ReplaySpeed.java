package io.yolostream.ingest.source;

import io.yolostream.ingest.IngestException;

/**
 * How fast a replay publishes: {@code 1} = the recording's own pace (by pts), {@code 2} = twice as fast,
 * {@code max} = as fast as decoding and Kafka allow.
 */
public record ReplaySpeed(double factor) {
    public static final ReplaySpeed REAL_TIME = new ReplaySpeed(1);
    public static final ReplaySpeed MAX = new ReplaySpeed(Double.POSITIVE_INFINITY);

    public ReplaySpeed {
        if (!(factor > 0)) {
            throw new IngestException("replay speed: expected a factor > 0 or 'max', found " + factor);
        }
    }

    /** "1", "2", "0.5", "max" (a trailing "x" is accepted). */
    public static ReplaySpeed parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(java.util.Locale.ROOT);
        if (t.equals("max")) {
            return MAX;
        }
        try {
            return new ReplaySpeed(Double.parseDouble(t.endsWith("x") ? t.substring(0, t.length() - 1) : t));
        } catch (NumberFormatException e) {
            throw new IngestException("replay speed: expected 1, 2, any factor > 0 or 'max', found '" + text + "'");
        }
    }

    public boolean isMax() {
        return Double.isInfinite(factor);
    }

    @Override
    public String toString() {
        return isMax() ? "max" : (factor == Math.rint(factor) ? Long.toString((long) factor) : Double.toString(factor))
                + "x";
    }
}
