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
}
