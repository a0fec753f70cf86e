package io.yolostream.detector.faceapi;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;

/**
 * A minimal reader of gzip'd tar archives (ustar, with pax and GNU long names), enough for npm packages: calls
 * {@code visitor} with each regular file whose name {@code wanted} accepts, streaming its bytes.
 */
final class TarGz {
    private static final int BLOCK = 512;

    interface Visitor {
        void file(String name, long size, InputStream content) throws IOException;
    }

    private TarGz() {
    }

    static void read(InputStream gz, Predicate<String> wanted, Visitor visitor) throws IOException {
        InputStream in = new GZIPInputStream(gz, 1 << 16);
        byte[] header = new byte[BLOCK];
        String longName = null;
        while (true) {
            if (!readFully(in, header)) {
                return; // no end-of-archive blocks: tolerated, as tar does
            }
            if (isZero(header)) {
                return;
            }
            String name = longName != null ? longName : name(header);
            longName = null;
            long size = octal(header, 124, 12);
            char type = (char) header[156];
            long padded = (size + BLOCK - 1) / BLOCK * BLOCK;
            if (type == 'x' || type == 'L') {
                byte[] data = in.readNBytes((int) padded);
                if (data.length < padded) {
                    throw new EOFException("tar: truncated extended header of " + name);
                }
                String text = new String(data, 0, (int) size, StandardCharsets.UTF_8);
                longName = type == 'L' ? text.replace("\0", "") : paxPath(text);
                continue;
            }
            if ((type == '0' || type == '\0') && wanted.test(name)) {
                BoundedStream content = new BoundedStream(in, size);
                visitor.file(name, size, content);
                content.skipRest();
                skip(in, padded - size);
            } else {
                skip(in, padded);
            }
        }
    }

    private static String name(byte[] h) {
        String name = cString(h, 0, 100);
        String magic = cString(h, 257, 6);
        if (magic.startsWith("ustar")) {
            String prefix = cString(h, 345, 155);
            if (!prefix.isEmpty()) {
                return prefix + "/" + name;
            }
        }
        return name;
    }

    /** The {@code path} record of a pax header ("LEN path=VALUE\n" lines), or null. */
    private static String paxPath(String text) {
        for (String line : text.split("\n")) {
            int sp = line.indexOf(' ');
            if (sp > 0 && line.startsWith("path=", sp + 1)) {
                return line.substring(sp + 1 + "path=".length());
            }
        }
        return null;
    }

    private static String cString(byte[] h, int off, int len) {
        int end = off;
        while (end < off + len && h[end] != 0) {
            end++;
        }
        return new String(h, off, end - off, StandardCharsets.UTF_8);
    }

    private static long octal(byte[] h, int off, int len) throws IOException {
        long v = 0;
        for (int i = off; i < off + len; i++) {
            byte b = h[i];
            if (b == 0 || b == ' ') {
                if (v > 0) {
                    break;
                }
                continue;
            }
            if (b < '0' || b > '7') {
                throw new IOException("tar: expected an octal size, found byte " + b);
            }
            v = v * 8 + (b - '0');
        }
        return v;
    }

    private static boolean isZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean readFully(InputStream in, byte[] b) throws IOException {
        int n = in.readNBytes(b, 0, b.length);
        if (n == 0) {
            return false;
        }
        if (n < b.length) {
            throw new EOFException("tar: truncated header (" + n + " of " + b.length + " bytes)");
        }
        return true;
    }

    private static void skip(InputStream in, long n) throws IOException {
        long left = n;
        while (left > 0) {
            long s = in.skip(left);
            if (s <= 0) {
                if (in.read() < 0) {
                    throw new EOFException("tar: truncated entry");
                }
                s = 1;
            }
            left -= s;
        }
    }

    /** The bytes of one entry; the visitor may read any part of it. */
    private static final class BoundedStream extends InputStream {
        private final InputStream in;
        private long left;

        BoundedStream(InputStream in, long size) {
            this.in = in;
            this.left = size;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int b = in.read();
            if (b < 0) {
                throw new EOFException("tar: truncated entry");
            }
            left--;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                throw new EOFException("tar: truncated entry");
            }
            left -= n;
            return n;
        }

        void skipRest() throws IOException {
            TarGz.skip(in, left);
            left = 0;
        }

        @Override
        public void close() {
            // the archive stream stays open
        }
    }
}
