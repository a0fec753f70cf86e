/*
 * Port of the JPEG Huffman tables of stb_image v2.19 (Sean Barrett, http://nothings.org/stb),
 * used under its MIT / public-domain dual license; the full notice is in StbJpegDecoder.java.
 */
package io.yolostream.detector.preprocess;

import java.util.Arrays;

/**
 * One JPEG Huffman table as stb_image builds it ({@code stbi__huffman}, {@code stbi__build_huffman},
 * {@code stbi__build_fast_ac}): canonical codes, a 9-bit lookup for short codes and, for AC tables, a combined
 * run/size/value lookup.
 */
final class StbHuffman {
    static final int FAST_BITS = 9;
    static final int FAST_MASK = (1 << FAST_BITS) - 1;
    /** {@code fast[]} value meaning "code longer than FAST_BITS: take the slow path". */
    static final int NOT_FAST = 255;

    /** Symbol index for each FAST_BITS-bit prefix, or {@link #NOT_FAST}. */
    final int[] fast = new int[1 << FAST_BITS];
    final int[] code = new int[256];
    final int[] values = new int[256];
    final int[] size = new int[257];
    /** Largest code + 1 for each length, pre-shifted to 16 bits; unsigned 32-bit values kept in longs. */
    final long[] maxcode = new long[18];
    final int[] delta = new int[17];

    /** An undefined table: every lookup fails (stb would read uninitialised memory). */
    StbHuffman() {
        Arrays.fill(fast, NOT_FAST);
        maxcode[17] = 0xffffffffL;
    }

    /**
     * {@code stbi__build_huffman}: builds codes from the 16 code-length counts of a DHT segment.
     *
     * @return null when fine, else what is wrong (stb's "bad code lengths")
     */
    String build(int[] count) {
        int k = 0;
        for (int i = 0; i < 16; ++i) {
            for (int j = 0; j < count[i]; ++j) {
                if (k >= 256) {
                    return "at most 256 Huffman codes, found " + Arrays.stream(count).sum();
                }
                size[k++] = i + 1;
            }
        }
        size[k] = 0;

        long c = 0;
        k = 0;
        int j;
        for (j = 1; j <= 16; ++j) {
            delta[j] = (int) (k - c);
            if (size[k] == j) {
                while (size[k] == j) {
                    code[k++] = (int) (c++ & 0xffff);
                }
                if (c - 1 >= (1L << j)) {
                    return "Huffman code lengths that fit their bit counts (stb_image: bad code lengths), found "
                            + (c) + " codes of up to " + j + " bits";
                }
            }
            maxcode[j] = (c << (16 - j)) & 0xffffffffL;
            c <<= 1;
        }
        maxcode[j] = 0xffffffffL;

        Arrays.fill(fast, NOT_FAST);
        for (int i = 0; i < k; ++i) {
            int s = size[i];
            if (s <= FAST_BITS) {
                int first = code[i] << (FAST_BITS - s);
                int m = 1 << (FAST_BITS - s);
                for (int t = 0; t < m; ++t) {
                    fast[first + t] = i;
                }
            }
        }
        return null;
    }

    /** {@code stbi__build_fast_ac}: run, value and total length of short AC codes in one lookup (0: none). */
    void buildFastAc(short[] fastAc) {
        for (int i = 0; i < (1 << FAST_BITS); ++i) {
            int f = fast[i];
            fastAc[i] = 0;
            if (f < NOT_FAST) {
                int rs = values[f];
                int run = (rs >> 4) & 15;
                int magbits = rs & 15;
                int len = size[f];
                if (magbits != 0 && len + magbits <= FAST_BITS) {
                    // magnitude code followed by receive_extend code
                    int k = ((i << len) & FAST_MASK) >> (FAST_BITS - magbits);
                    int m = 1 << (magbits - 1);
                    if (k < m) {
                        k += (~0 << magbits) + 1;
                    }
                    // if the result is small enough, it fits in the fast_ac table
                    if (k >= -128 && k <= 127) {
                        fastAc[i] = (short) ((k * 256) + (run * 16) + (len + magbits));
                    }
                }
            }
        }
    }

    /** The DQT and DHT state of one JPEG: quantization tables, Huffman tables and their fast-AC lookups. */
    static final class Tables {
        final StbHuffman[] huffDc = {new StbHuffman(), new StbHuffman(), new StbHuffman(), new StbHuffman()};
        final StbHuffman[] huffAc = {new StbHuffman(), new StbHuffman(), new StbHuffman(), new StbHuffman()};
        final int[][] dequant = new int[4][64];
        final short[][] fastAc = new short[4][1 << FAST_BITS];

        /** A DQT segment (after its marker), as {@code stbi__process_marker} reads it. */
        void readDqt(StbJpegReader in) {
            int len = in.get16be() - 2;
            while (len > 0) {
                int q = in.get8();
                int p = q >> 4;
                boolean sixteen = p != 0;
                int t = q & 15;
                if (p != 0 && p != 1) {
                    throw in.fail("DQT precision 0 or 1", String.valueOf(p), "bad DQT type");
                }
                if (t > 3) {
                    throw in.fail("DQT table 0..3", String.valueOf(t), "bad DQT table");
                }
                for (int i = 0; i < 64; ++i) {
                    dequant[t][StbJpegReader.DEZIGZAG[i]] = sixteen ? in.get16be() : in.get8();
                }
                len -= sixteen ? 129 : 65;
            }
            if (len != 0) {
                throw in.fail("a DQT length matching its tables", "a mismatch of " + len + " bytes", "DQT");
            }
        }

        /** A DHT segment (after its marker), as {@code stbi__process_marker} reads it. */
        void readDht(StbJpegReader in) {
            int len = in.get16be() - 2;
            while (len > 0) {
                int[] sizes = new int[16];
                int n = 0;
                int q = in.get8();
                int tc = q >> 4;
                int th = q & 15;
                if (tc > 1 || th > 3) {
                    throw in.fail("DHT class 0..1 and table 0..3", "class " + tc + " table " + th, "bad DHT header");
                }
                for (int i = 0; i < 16; ++i) {
                    sizes[i] = in.get8();
                    n += sizes[i];
                }
                len -= 17;
                StbHuffman h = tc == 0 ? huffDc[th] : huffAc[th];
                String bad = h.build(sizes);
                if (bad != null) {
                    throw in.fail(bad);
                }
                for (int i = 0; i < n; ++i) {
                    h.values[i] = in.get8();
                }
                if (tc != 0) {
                    h.buildFastAc(fastAc[th]);
                }
                len -= n;
            }
            if (len != 0) {
                throw in.fail("a DHT length matching its tables", "a mismatch of " + len + " bytes", "DHT");
            }
        }
    }
}
