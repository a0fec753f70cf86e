package io.yolostream.http;

import java.io.IOException;
import java.io.OutputStream;

/**
 * A connection's output that knows how long its current write has been blocked: the server's watchdog closes the
 * socket of a client that stopped reading (its write then fails, and the thread is free again).
 */
final class TimedOutput extends OutputStream {
    private final OutputStream out;
    private volatile long since;

    TimedOutput(OutputStream out) {
        this.out = out;
    }

    /** How long the write in progress has been blocked (0 when none is). */
    long blockedNanos(long now) {
        long s = since;
        return s == 0 ? 0 : now - s;
    }

    @Override
    public void write(int b) throws IOException {
        since = System.nanoTime();
        try {
            out.write(b);
        } finally {
            since = 0;
        }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        since = System.nanoTime();
        try {
            out.write(b, off, len);
        } finally {
            since = 0;
        }
    }

    @Override
    public void flush() throws IOException {
        since = System.nanoTime();
        try {
            out.flush();
        } finally {
            since = 0;
        }
    }

    @Override
    public void close() throws IOException {
        flush();
        out.close();
    }
}
