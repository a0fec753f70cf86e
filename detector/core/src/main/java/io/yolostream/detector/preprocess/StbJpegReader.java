/*
 * Port of the JPEG entropy decoder of stb_image v2.19 (Sean Barrett, http://nothings.org/stb),
 * used under its MIT / public-domain dual license; the full notice is in StbJpegDecoder.java.
 */
package io.yolostream.detector.preprocess;

import io.yolostream.detector.model.ModelException;

import java.util.Arrays;

/**
 * The byte source ({@code stbi__context}: reads past the end give 0) and the entropy decoder of stb_image:
 * bit buffer, Huffman decoding, baseline and progressive block decoding, with stb's exact handling of fill bytes,
 * markers inside the entropy-coded data and end-of-data (zero bits).
 */
final class StbJpegReader {
    /** "No marker" ({@code STBI__MARKER_none}). */
    static final int MARKER_NONE = 0xff;

    /** Zigzag position to row-major index; 15 extra entries let corrupt runs land on 63 like stb. */
    static final int[] DEZIGZAG = {
        0, 1, 8, 16, 9, 2, 3, 10,
        17, 24, 32, 25, 18, 11, 4, 5,
        12, 19, 26, 33, 40, 48, 41, 34,
        27, 20, 13, 6, 7, 14, 21, 28,
        35, 42, 49, 56, 57, 50, 43, 36,
        29, 22, 15, 23, 30, 37, 44, 51,
        58, 59, 52, 45, 38, 31, 39, 46,
        53, 60, 61, 54, 47, 55, 62, 63,
        63, 63, 63, 63, 63, 63, 63, 63,
        63, 63, 63, 63, 63, 63, 63
    };

    private static final int[] BMASK = {
        0, 1, 3, 7, 15, 31, 63, 127, 255, 511, 1023, 2047, 4095, 8191, 16383, 32767, 65535
    };
    private static final int[] JBIAS = {
        0, -1, -3, -7, -15, -31, -63, -127, -255, -511, -1023, -2047, -4095, -8191, -16383, -32767
    };

    private final byte[] bytes;
    private final String source;
    private int pos;

    // entropy decoder state
    private int codeBuffer; // unsigned 32-bit, valid bits at the top
    private int codeBits;
    int marker = MARKER_NONE; // marker seen while filling the bit buffer
    private boolean nomore; // saw a marker, so feed zeros
    final int[] dcPred = new int[4];
    int eobRun;
    int specStart;
    int specEnd;
    int succHigh;
    int succLow;

    StbJpegReader(byte[] bytes, String source) {
        this.bytes = bytes;
        this.source = source;
    }

    ModelException fail(String expectedFound) {
        return new ModelException("JPEG " + source + ": expected " + expectedFound);
    }

    /** Error for a condition stb reports with {@code stbi__err(reason, ...)}. */
    ModelException fail(String expected, String found, String stbReason) {
        return fail(expected + ", found " + found + " at byte " + Math.min(pos, bytes.length)
                + " (stb_image: " + stbReason + ")");
    }

    int get8() {
        return pos < bytes.length ? bytes[pos++] & 0xff : 0;
    }

    int get16be() {
        int z = get8();
        return (z << 8) + get8();
    }

    boolean atEof() {
        return pos >= bytes.length;
    }

    void skip(int n) {
        pos = n < 0 ? bytes.length : (int) Math.min((long) pos + n, bytes.length);
    }

    int position() {
        return pos;
    }

    /** {@code stbi__get_marker}: a pending marker, else the next marker code, or {@link #MARKER_NONE}. */
    int getMarker() {
        if (marker != MARKER_NONE) {
            int x = marker;
            marker = MARKER_NONE;
            return x;
        }
        int x = get8();
        if (x != 0xff) {
            return MARKER_NONE;
        }
        while (x == 0xff) {
            x = get8(); // consume repeated 0xff fill bytes
        }
        return x;
    }

    /** {@code stbi__jpeg_reset}: after a restart marker or at the start of a scan. */
    void reset() {
        codeBits = 0;
        codeBuffer = 0;
        nomore = false;
        Arrays.fill(dcPred, 0);
        marker = MARKER_NONE;
        eobRun = 0;
    }

    /** Refills the bit buffer if it holds fewer than 24 bits (what stb does at the end of a restart interval). */
    void fillForMarker() {
        if (codeBits < 24) {
            growBufferUnsafe();
        }
    }

    private void growBufferUnsafe() {
        do {
            int b = nomore ? 0 : get8();
            if (b == 0xff) {
                int c = get8();
                while (c == 0xff) {
                    c = get8(); // consume fill bytes
                }
                if (c != 0) {
                    marker = c;
                    nomore = true;
                    return;
                }
            }
            codeBuffer |= b << (24 - codeBits);
            codeBits += 8;
        } while (codeBits <= 24);
    }

    /** {@code stbi__jpeg_huff_decode}: the next symbol, or -1 for a code not in the table. */
    private int huffDecode(StbHuffman h) {
        if (codeBits < 16) {
            growBufferUnsafe();
        }
        int c = (codeBuffer >>> (32 - StbHuffman.FAST_BITS)) & StbHuffman.FAST_MASK;
        int k = h.fast[c];
        if (k < StbHuffman.NOT_FAST) {
            int s = h.size[k];
            if (s > codeBits) {
                return -1;
            }
            codeBuffer <<= s;
            codeBits -= s;
            return h.values[k];
        }
        long temp = (codeBuffer >>> 16) & 0xffffL;
        for (k = StbHuffman.FAST_BITS + 1;; ++k) {
            if (temp < h.maxcode[k]) {
                break;
            }
        }
        if (k == 17) {
            codeBits -= 16; // error! code not found
            return -1;
        }
        if (k > codeBits) {
            return -1;
        }
        c = ((codeBuffer >>> (32 - k)) & BMASK[k]) + h.delta[k];
        codeBits -= k;
        codeBuffer <<= k;
        return h.values[c];
    }

    /** {@code stbi__extend_receive}: n bits as a signed JPEG magnitude value. */
    private int extendReceive(int n) {
        if (n > 15) {
            // stb asserts n < 17 and indexes a 16-entry bias table: no valid 8-bit JPEG gets here
            throw fail("a coefficient magnitude category of at most 15 bits", String.valueOf(n), "bad huffman code");
        }
        if (codeBits < n) {
            growBufferUnsafe();
        }
        int sgn = codeBuffer >> 31; // sign bit is always in MSB
        int k = Integer.rotateLeft(codeBuffer, n);
        codeBuffer = k & ~BMASK[n];
        k &= BMASK[n];
        codeBits -= n;
        return k + (JBIAS[n] & ~sgn);
    }

    private int getBits(int n) {
        if (codeBits < n) {
            growBufferUnsafe();
        }
        int k = Integer.rotateLeft(codeBuffer, n);
        codeBuffer = k & ~BMASK[n];
        k &= BMASK[n];
        codeBits -= n;
        return k;
    }

    private boolean getBit() {
        if (codeBits < 1) {
            growBufferUnsafe();
        }
        int k = codeBuffer;
        codeBuffer <<= 1;
        --codeBits;
        return k < 0;
    }

    private ModelException badHuffman() {
        return fail("a valid Huffman code in the entropy-coded data", "an undecodable bit pattern", "bad huffman code");
    }

    /** {@code stbi__jpeg_decode_block}: one baseline block, dequantized, into {@code data[0..63]} (row-major). */
    void decodeBlock(short[] data, StbHuffman hdc, StbHuffman hac, short[] fac, int b, int[] dequant) {
        if (codeBits < 16) {
            growBufferUnsafe();
        }
        int t = huffDecode(hdc);
        if (t < 0) {
            throw badHuffman();
        }
        Arrays.fill(data, 0, 64, (short) 0);
        int diff = t != 0 ? extendReceive(t) : 0;
        int dc = dcPred[b] + diff;
        dcPred[b] = dc;
        data[0] = (short) (dc * dequant[0]);

        int k = 1;
        do {
            if (codeBits < 16) {
                growBufferUnsafe();
            }
            int c = (codeBuffer >>> (32 - StbHuffman.FAST_BITS)) & StbHuffman.FAST_MASK;
            int r = fac[c];
            if (r != 0) { // fast-AC path
                k += (r >> 4) & 15; // run
                int s = r & 15; // combined length
                codeBuffer <<= s;
                codeBits -= s;
                int zig = DEZIGZAG[k++];
                data[zig] = (short) ((r >> 8) * dequant[zig]);
            } else {
                int rs = huffDecode(hac);
                if (rs < 0) {
                    throw badHuffman();
                }
                int s = rs & 15;
                r = rs >> 4;
                if (s == 0) {
                    if (rs != 0xf0) {
                        break; // end block
                    }
                    k += 16;
                } else {
                    k += r;
                    int zig = DEZIGZAG[k++];
                    data[zig] = (short) (extendReceive(s) * dequant[zig]);
                }
            }
        } while (k < 64);
    }

    /** {@code stbi__jpeg_decode_block_prog_dc}: DC first or refinement scan, coefficients at data[off..]. */
    void decodeBlockProgDc(short[] data, int off, StbHuffman hdc, int b) {
        if (specEnd != 0) {
            throw fail("a progressive DC scan with spectral end 0", "spectral end " + specEnd, "can't merge dc and ac");
        }
        if (codeBits < 16) {
            growBufferUnsafe();
        }
        if (succHigh == 0) {
            // first scan for DC coefficient, must be first
            Arrays.fill(data, off, off + 64, (short) 0);
            int t = huffDecode(hdc);
            if (t < 0) {
                throw badHuffman(); // stb would assert in extend_receive(-1)
            }
            int diff = t != 0 ? extendReceive(t) : 0;
            int dc = dcPred[b] + diff;
            dcPred[b] = dc;
            data[off] = (short) (dc << succLow);
        } else {
            // refinement scan for DC coefficient
            if (getBit()) {
                data[off] += (short) (1 << succLow);
            }
        }
    }

    /** {@code stbi__jpeg_decode_block_prog_ac}: AC first or refinement scan, coefficients at data[off..]. */
    void decodeBlockProgAc(short[] data, int off, StbHuffman hac, short[] fac) {
        if (specStart == 0) {
            throw fail("a progressive AC scan with spectral start > 0", "spectral start 0", "can't merge dc and ac");
        }
        if (succHigh == 0) {
            int shift = succLow;
            if (eobRun != 0) {
                --eobRun;
                return;
            }
            int k = specStart;
            do {
                if (codeBits < 16) {
                    growBufferUnsafe();
                }
                int c = (codeBuffer >>> (32 - StbHuffman.FAST_BITS)) & StbHuffman.FAST_MASK;
                int r = fac[c];
                if (r != 0) { // fast-AC path
                    k += (r >> 4) & 15; // run
                    int s = r & 15; // combined length
                    codeBuffer <<= s;
                    codeBits -= s;
                    int zig = DEZIGZAG[k++];
                    data[off + zig] = (short) ((r >> 8) << shift);
                } else {
                    int rs = huffDecode(hac);
                    if (rs < 0) {
                        throw badHuffman();
                    }
                    int s = rs & 15;
                    r = rs >> 4;
                    if (s == 0) {
                        if (r < 15) {
                            eobRun = 1 << r;
                            if (r != 0) {
                                eobRun += getBits(r);
                            }
                            --eobRun;
                            break;
                        }
                        k += 16;
                    } else {
                        k += r;
                        int zig = DEZIGZAG[k++];
                        data[off + zig] = (short) (extendReceive(s) << shift);
                    }
                }
            } while (k <= specEnd);
        } else {
            // refinement scan for these AC coefficients
            short bit = (short) (1 << succLow);
            if (eobRun != 0) {
                --eobRun;
                for (int k = specStart; k <= specEnd; ++k) {
                    int p = off + DEZIGZAG[k];
                    if (data[p] != 0 && getBit() && (data[p] & bit) == 0) {
                        if (data[p] > 0) {
                            data[p] += bit;
                        } else {
                            data[p] -= bit;
                        }
                    }
                }
            } else {
                int k = specStart;
                do {
                    int rs = huffDecode(hac);
                    if (rs < 0) {
                        throw badHuffman();
                    }
                    int s = rs & 15;
                    int r = rs >> 4;
                    if (s == 0) {
                        if (r < 15) {
                            eobRun = (1 << r) - 1;
                            if (r != 0) {
                                eobRun += getBits(r);
                            }
                            r = 64; // force end of block
                        }
                        // else r=15 s=0: a run of 15 zeros and then writing s (0), nothing special
                    } else {
                        if (s != 1) {
                            throw fail("a progressive AC refinement value of 1 bit", s + " bits", "bad huffman code");
                        }
                        s = getBit() ? bit : -bit; // sign bit
                    }
                    // advance by r
                    while (k <= specEnd) {
                        int p = off + DEZIGZAG[k++];
                        if (data[p] != 0) {
                            if (getBit() && (data[p] & bit) == 0) {
                                if (data[p] > 0) {
                                    data[p] += bit;
                                } else {
                                    data[p] -= bit;
                                }
                            }
                        } else {
                            if (r == 0) {
                                data[p] = (short) s;
                                break;
                            }
                            --r;
                        }
                    }
                } while (k <= specEnd);
            }
        }
    }
}
