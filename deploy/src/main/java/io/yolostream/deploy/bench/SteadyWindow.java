package io.yolostream.deploy.bench;

import java.util.Arrays;

/**
 * The steady part of a run: the records between the first {@link #FROM} and {@link #TO} of all (by the moment each
 * became visible downstream). A run at max rate starts with every camera's backlog at once and a JVM still compiling
 * the broker's and the clients' code paths, and ends with a tail of partly filled batches; a service runs for days
 * in between, so that is the rate the bench reports. Runs too short for a window fall back to the whole run.
 *
 * @param frames  records inside the window (between its first and last, so the rate counts intervals)
 * @param seconds wall time between the window's first and last record
 */
public record SteadyWindow(int frames, double seconds, int firstIndex, int lastIndex) {
    static final double FROM = 0.10;
    static final double TO = 0.90;
    /** Below this many records the window would be a handful of batches: use the whole run. */
    static final int MIN_RECORDS = 50;

    /** The window over these visibility instants (epoch ms, any order); null when there are fewer than two. */
    static SteadyWindow of(long[] visibleMillis) {
        if (visibleMillis.length < 2) {
            return null;
        }
        long[] t = visibleMillis.clone();
        Arrays.sort(t);
        int n = t.length;
        int first = n < MIN_RECORDS ? 0 : (int) Math.floor(FROM * (n - 1));
        int last = n < MIN_RECORDS ? n - 1 : (int) Math.ceil(TO * (n - 1));
        // records made visible by one commit share an instant. The rate counts the records that became visible
        // after the window's first instant, up to and with its last: whole commits on both sides
        while (last < n - 1 && t[last + 1] == t[last]) {
            last++;
        }
        while (first < last && t[first + 1] == t[first]) {
            first++;
        }
        return new SteadyWindow(last - first, (t[last] - t[first]) / 1000.0, first, last);
    }

    /** Index (0-based, in visibility order) of the record whose arrival opens the window, for sampling CPU. */
    static int openingIndex(int records) {
        return records < MIN_RECORDS ? 0 : (int) Math.floor(FROM * (records - 1));
    }

    /** Index of the record whose arrival closes the window. */
    static int closingIndex(int records) {
        return records < MIN_RECORDS ? records - 1 : (int) Math.ceil(TO * (records - 1));
    }

    double framesPerSecond() {
        return seconds > 0 ? frames / seconds : Double.NaN;
    }
}
