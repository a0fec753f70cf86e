/*
 * Port of the JPEG marker and scan handling of stb_image v2.19 (Sean Barrett, http://nothings.org/stb),
 * used under its MIT / public-domain dual license; the full notice is in StbJpegDecoder.java.
 */
package io.yolostream.detector.preprocess;

/**
 * The decoding state of one JPEG ({@code stbi__jpeg}): markers, frame and scan headers, entropy-coded segments
 * (baseline blocks go straight through the IDCT, progressive coefficients are kept until the end) into one
 * 8-bit plane per component. Colour conversion is {@link StbJpegColor}'s.
 */
final class StbJpegFrame {
    /** One image component ({@code img_comp[]}). */
    static final class Component {
        int id;
        int h;
        int v;
        int tq;
        int hd;
        int ha;
        int x; // effective pixels
        int y;
        int w2; // padded to whole MCUs
        int h2;
        byte[] data; // w2 x h2 samples
        short[] coeff; // progressive only: coeffW x coeffH blocks of 64
        int coeffW;
    }

    private final StbJpegReader in;
    private final StbHuffman.Tables tables = new StbHuffman.Tables();
    private final StbHuffman[] huffDc = tables.huffDc;
    private final StbHuffman[] huffAc = tables.huffAc;
    private final int[][] dequant = tables.dequant;
    private final short[][] fastAc = tables.fastAc;
    final Component[] comp = {new Component(), new Component(), new Component(), new Component()};

    int imgX;
    int imgY;
    int imgN;
    int imgHMax;
    int imgVMax;
    private int mcuX;
    private int mcuY;
    private boolean progressive;
    boolean jfif;
    int app14ColorTransform;
    int rgb;
    private int scanN;
    private final int[] order = new int[4];
    private int restartInterval;
    private int todo;

    private final short[] block = new short[64];
    private final int[] idctTmp = new int[64];

    StbJpegFrame(StbJpegReader in) {
        this.in = in;
    }

    /** {@code stbi__decode_jpeg_image}: reads everything up to EOI into the component planes. */
    void decodeImage() {
        restartInterval = 0;
        decodeHeader();
        int m = in.getMarker();
        while (m != 0xd9) { // EOI
            if (m == 0xda) { // SOS
                processScanHeader();
                parseEntropyCodedData();
                if (in.marker == StbJpegReader.MARKER_NONE) {
                    // handle 0s at the end of image data from IP Kamera 9060
                    while (!in.atEof()) {
                        int x = in.get8();
                        if (x == 255) {
                            in.marker = in.get8();
                            break;
                        }
                    }
                    // at EOF without a marker, getMarker() fails below
                }
            } else if (m == 0xdc) { // DNL
                int ld = in.get16be();
                int nl = in.get16be();
                if (ld != 4) {
                    throw in.fail("DNL length 4", String.valueOf(ld), "bad DNL len");
                }
                if (nl != imgY) {
                    throw in.fail("DNL height " + imgY, String.valueOf(nl), "bad DNL height");
                }
            } else {
                processMarker(m);
            }
            m = in.getMarker();
        }
        if (progressive) {
            finishProgressive();
        }
    }

    /** {@code stbi__decode_jpeg_header} for a full load: SOI, tables, then the frame header. */
    private void decodeHeader() {
        jfif = false;
        app14ColorTransform = -1; // valid values are 0,1,2
        in.marker = StbJpegReader.MARKER_NONE;
        int m = in.getMarker();
        if (m != 0xd8) {
            throw in.fail("an SOI marker", markerName(m), "no SOI");
        }
        m = in.getMarker();
        while (!(m == 0xc0 || m == 0xc1 || m == 0xc2)) {
            processMarker(m);
            m = in.getMarker();
            while (m == StbJpegReader.MARKER_NONE) {
                // some files have extra padding after their blocks, so keep scanning
                if (in.atEof()) {
                    throw in.fail("a baseline or progressive frame header (SOF0/1/2)", "the end of the data",
                            "no SOF");
                }
                m = in.getMarker();
            }
        }
        progressive = m == 0xc2;
        processFrameHeader();
    }

    private static String markerName(int m) {
        return m == StbJpegReader.MARKER_NONE ? "no marker" : String.format("marker FF %02X", m);
    }

    /** {@code stbi__process_marker}: DRI, DQT, DHT, APPn and COM; anything else is an error. */
    private void processMarker(int m) {
        int len;
        switch (m) {
            case StbJpegReader.MARKER_NONE:
                throw in.fail("a marker (FF xx): the next segment or the EOI that ends the image",
                        in.atEof() ? "the end of the data (truncated?)" : "other bytes", "expected marker");
            case 0xdd: // DRI
                len = in.get16be();
                if (len != 4) {
                    throw in.fail("DRI length 4", String.valueOf(len), "bad DRI len");
                }
                restartInterval = in.get16be();
                return;
            case 0xdb: // DQT
                tables.readDqt(in);
                return;
            case 0xc4: // DHT
                tables.readDht(in);
                return;
            default:
                break;
        }
        if ((m >= 0xe0 && m <= 0xef) || m == 0xfe) { // APPn, COM
            len = in.get16be();
            if (len < 2) {
                throw in.fail((m == 0xfe ? "COM" : "APP") + " length >= 2", String.valueOf(len),
                        m == 0xfe ? "bad COM len" : "bad APP len");
            }
            len -= 2;
            if (m == 0xe0 && len >= 5) { // JFIF APP0 segment
                boolean ok = true;
                for (int i = 0; i < 5; ++i) {
                    if (in.get8() != "JFIF\0".charAt(i)) {
                        ok = false;
                    }
                }
                len -= 5;
                if (ok) {
                    jfif = true;
                }
            } else if (m == 0xee && len >= 12) { // Adobe APP14 segment
                boolean ok = true;
                for (int i = 0; i < 6; ++i) {
                    if (in.get8() != "Adobe\0".charAt(i)) {
                        ok = false;
                    }
                }
                len -= 6;
                if (ok) {
                    in.get8(); // version
                    in.get16be(); // flags0
                    in.get16be(); // flags1
                    app14ColorTransform = in.get8(); // color transform
                    len -= 6;
                }
            }
            in.skip(len);
            return;
        }
        throw in.fail("a marker stb_image supports (baseline/progressive Huffman JPEG)", markerName(m),
                "unknown marker");
    }

    /** {@code stbi__process_frame_header} (SOF0/1/2) and the allocation of the component planes. */
    private void processFrameHeader() {
        int lf = in.get16be();
        if (lf < 11) {
            throw in.fail("SOF length >= 11", String.valueOf(lf), "bad SOF len");
        }
        int p = in.get8();
        if (p != 8) {
            throw in.fail("8-bit samples", p + "-bit", "only 8-bit");
        }
        imgY = in.get16be();
        if (imgY == 0) {
            throw in.fail("a height in the frame header", "0 (delayed height)", "no header height");
        }
        imgX = in.get16be();
        if (imgX == 0) {
            throw in.fail("a non-zero width", "0", "0 width");
        }
        int c = in.get8();
        if (c != 3 && c != 1 && c != 4) {
            throw in.fail("1, 3 or 4 components", String.valueOf(c), "bad component count");
        }
        imgN = c;
        if (lf != 8 + 3 * imgN) {
            throw in.fail("SOF length " + (8 + 3 * imgN), String.valueOf(lf), "bad SOF len");
        }
        rgb = 0;
        for (int i = 0; i < imgN; ++i) {
            Component k = comp[i];
            k.id = in.get8();
            if (imgN == 3 && k.id == "RGB".charAt(i)) {
                ++rgb;
            }
            int q = in.get8();
            k.h = q >> 4;
            if (k.h == 0 || k.h > 4) {
                throw in.fail("horizontal sampling factor 1..4", String.valueOf(k.h), "bad H");
            }
            k.v = q & 15;
            if (k.v == 0 || k.v > 4) {
                throw in.fail("vertical sampling factor 1..4", String.valueOf(k.v), "bad V");
            }
            k.tq = in.get8();
            if (k.tq > 3) {
                throw in.fail("quantization table 0..3", String.valueOf(k.tq), "bad TQ");
            }
        }
        if ((long) imgX * imgY * imgN > Integer.MAX_VALUE) {
            throw in.fail("an image of at most 2^31 bytes", imgX + "x" + imgY + "x" + imgN, "too large");
        }
        int hMax = 1;
        int vMax = 1;
        for (int i = 0; i < imgN; ++i) {
            hMax = Math.max(hMax, comp[i].h);
            vMax = Math.max(vMax, comp[i].v);
        }
        imgHMax = hMax;
        imgVMax = vMax;
        int mcuW = hMax * 8;
        int mcuH = vMax * 8;
        mcuX = (imgX + mcuW - 1) / mcuW;
        mcuY = (imgY + mcuH - 1) / mcuH;
        for (int i = 0; i < imgN; ++i) {
            Component k = comp[i];
            k.x = (imgX * k.h + hMax - 1) / hMax;
            k.y = (imgY * k.v + vMax - 1) / vMax;
            k.w2 = mcuX * k.h * 8;
            k.h2 = mcuY * k.v * 8;
            long samples = (long) k.w2 * k.h2;
            if (samples + imgX + 16 > Integer.MAX_VALUE) {
                throw in.fail("component planes of at most 2^31 bytes", k.w2 + "x" + k.h2, "outofmem");
            }
            // slack past the plane: odd sampling factors make stb read a little beyond it
            k.data = new byte[(int) samples + imgX + 16];
            if (progressive) {
                k.coeffW = k.w2 / 8;
                k.coeff = new short[(int) samples];
            }
        }
    }

    /** {@code stbi__process_scan_header} (after SOS). */
    private void processScanHeader() {
        int ls = in.get16be();
        scanN = in.get8();
        if (scanN < 1 || scanN > 4 || scanN > imgN) {
            throw in.fail("1.." + imgN + " components in the scan", String.valueOf(scanN), "bad SOS component count");
        }
        if (ls != 6 + 2 * scanN) {
            throw in.fail("SOS length " + (6 + 2 * scanN), String.valueOf(ls), "bad SOS len");
        }
        for (int i = 0; i < scanN; ++i) {
            int id = in.get8();
            int q = in.get8();
            int which = 0;
            while (which < imgN && comp[which].id != id) {
                ++which;
            }
            if (which == imgN) {
                throw in.fail("a scan component id declared in the frame header", "id " + id, "SOS");
            }
            comp[which].hd = q >> 4;
            if (comp[which].hd > 3) {
                throw in.fail("DC Huffman table 0..3", String.valueOf(comp[which].hd), "bad DC huff");
            }
            comp[which].ha = q & 15;
            if (comp[which].ha > 3) {
                throw in.fail("AC Huffman table 0..3", String.valueOf(comp[which].ha), "bad AC huff");
            }
            order[i] = which;
        }
        in.specStart = in.get8();
        in.specEnd = in.get8(); // should be 63, but might be 0
        int aa = in.get8();
        in.succHigh = aa >> 4;
        in.succLow = aa & 15;
        String found = "Ss=" + in.specStart + " Se=" + in.specEnd + " Ah=" + in.succHigh + " Al=" + in.succLow;
        if (progressive) {
            if (in.specStart > 63 || in.specEnd > 63 || in.specStart > in.specEnd || in.succHigh > 13
                    || in.succLow > 13) {
                throw in.fail("valid progressive scan parameters", found, "bad SOS");
            }
        } else {
            if (in.specStart != 0 || in.succHigh != 0 || in.succLow != 0) {
                throw in.fail("baseline scan parameters Ss=0 Ah=0 Al=0", found, "bad SOS");
            }
            in.specEnd = 63;
        }
    }

    private void reset() {
        in.reset();
        todo = restartInterval != 0 ? restartInterval : 0x7fffffff;
    }

    /** Counts down the restart interval after an MCU; false when the scan ends here (no restart marker). */
    private boolean mcuDone() {
        if (--todo <= 0) {
            in.fillForMarker();
            // if it's NOT a restart, then just bail, so we get corrupt data rather than no data
            if (!(in.marker >= 0xd0 && in.marker <= 0xd7)) {
                return false;
            }
            reset();
        }
        return true;
    }

    /** {@code stbi__parse_entropy_coded_data}: one scan. */
    private void parseEntropyCodedData() {
        reset();
        if (scanN == 1) {
            // non-interleaved: one block per MCU, in scanline order over the component's own size
            int n = order[0];
            Component c = comp[n];
            int w = (c.x + 7) >> 3;
            int h = (c.y + 7) >> 3;
            for (int j = 0; j < h; ++j) {
                for (int i = 0; i < w; ++i) {
                    if (!progressive) {
                        in.decodeBlock(block, huffDc[c.hd], huffAc[c.ha], fastAc[c.ha], n, dequant[c.tq]);
                        StbIdct.idct(block, 0, c.data, c.w2 * j * 8 + i * 8, c.w2, idctTmp);
                    } else {
                        int off = 64 * (i + j * c.coeffW);
                        if (in.specStart == 0) {
                            in.decodeBlockProgDc(c.coeff, off, huffDc[c.hd], n);
                        } else {
                            in.decodeBlockProgAc(c.coeff, off, huffAc[c.ha], fastAc[c.ha]);
                        }
                    }
                    if (!mcuDone()) {
                        return;
                    }
                }
            }
        } else {
            // interleaved: each MCU holds h x v blocks of every scan component
            for (int j = 0; j < mcuY; ++j) {
                for (int i = 0; i < mcuX; ++i) {
                    for (int k = 0; k < scanN; ++k) {
                        int n = order[k];
                        Component c = comp[n];
                        for (int y = 0; y < c.v; ++y) {
                            for (int x = 0; x < c.h; ++x) {
                                int bx = i * c.h + x;
                                int by = j * c.v + y;
                                if (!progressive) {
                                    in.decodeBlock(block, huffDc[c.hd], huffAc[c.ha], fastAc[c.ha], n,
                                            dequant[c.tq]);
                                    StbIdct.idct(block, 0, c.data, c.w2 * by * 8 + bx * 8, c.w2, idctTmp);
                                } else {
                                    in.decodeBlockProgDc(c.coeff, 64 * (bx + by * c.coeffW), huffDc[c.hd], n);
                                }
                            }
                        }
                    }
                    if (!mcuDone()) {
                        return;
                    }
                }
            }
        }
    }

    /** {@code stbi__jpeg_finish}: dequantize and inverse-transform the progressive coefficients. */
    private void finishProgressive() {
        for (int n = 0; n < imgN; ++n) {
            Component c = comp[n];
            int w = (c.x + 7) >> 3;
            int h = (c.y + 7) >> 3;
            int[] dq = dequant[c.tq];
            for (int j = 0; j < h; ++j) {
                for (int i = 0; i < w; ++i) {
                    int off = 64 * (i + j * c.coeffW);
                    for (int t = 0; t < 64; ++t) {
                        c.coeff[off + t] = (short) (c.coeff[off + t] * dq[t]);
                    }
                    StbIdct.idct(c.coeff, off, c.data, c.w2 * j * 8 + i * 8, c.w2, idctTmp);
                }
            }
        }
    }
}
