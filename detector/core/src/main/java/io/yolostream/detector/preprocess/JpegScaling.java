package io.yolostream.detector.preprocess;

/**
 * Decoding a JPEG straight to 1/2, 1/4 or 1/8 of its size (libjpeg's DCT scaling: it skips most of the inverse DCT
 * and the colour conversion of pixels the network would throw away) when the network input is much smaller than the
 * frame: a 1920x1080 frame letterboxed into 320x320 only needs 320x180 pixels, so a 480x270 decode does.
 *
 * <p>The reduction chosen is the largest that still leaves at least the letterboxed content's pixels in both
 * directions, so the letterbox still only downsamples (never upsamples) and the network sees the same detail.
 */
public final class JpegScaling {
    /** The reductions libjpeg offers through OpenCV's {@code IMREAD_REDUCED_*}, largest first. */
    private static final int[] REDUCTIONS = {8, 4, 2};

    private JpegScaling() {
    }

    /** A JPEG's size from its frame header (SOFn). */
    public record Size(int width, int height) {
    }

    /**
     * The largest reduction (1, 2, 4 or 8) for an {@code imageW x imageH} image that will be letterboxed into
     * {@code netW x netH}: the reduced image ({@code ceil(imageW/d) x ceil(imageH/d)}, as libjpeg rounds) is at least
     * the letterboxed content ({@code imageW*s x imageH*s}, {@code s = min(netW/imageW, netH/imageH)}) in both
     * directions. 1 when the image is not larger than the input.
     */
    public static int reduction(int imageW, int imageH, int netW, int netH) {
        if (imageW <= 0 || imageH <= 0 || netW <= 0 || netH <= 0) {
            return 1;
        }
        double s = Math.min((double) netW / imageW, (double) netH / imageH);
        if (s >= 1) {
            return 1;
        }
        long contentW = (long) Math.ceil(imageW * s - 1e-9);
        long contentH = (long) Math.ceil(imageH * s - 1e-9);
        for (int d : REDUCTIONS) {
            if (ceilDiv(imageW, d) >= contentW && ceilDiv(imageH, d) >= contentH) {
                return d;
            }
        }
        return 1;
    }

    /** The size of a reduced decode, as libjpeg rounds it: {@code ceil(size / d)}. */
    public static int reducedSize(int size, int reduction) {
        return ceilDiv(size, reduction);
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    /**
     * The width and height in a JPEG's frame header, or null when the bytes are not a JPEG or end before one
     * (the decoder then says what is wrong). Reads markers only: no entropy-coded data before the SOF.
     */
    public static Size size(byte[] jpeg) {
        if (jpeg == null || jpeg.length < 4 || (jpeg[0] & 0xff) != 0xFF || (jpeg[1] & 0xff) != 0xD8) {
            return null;
        }
        int i = 2;
        while (i + 3 < jpeg.length) {
            if ((jpeg[i] & 0xff) != 0xFF) {
                return null; // only markers may come before the frame header
            }
            int marker = jpeg[i + 1] & 0xff;
            if (marker == 0xFF) {
                i++; // fill byte
                continue;
            }
            if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) {
                i += 2; // markers without a length
                continue;
            }
            if (marker == 0xD9 || marker == 0xDA) {
                return null; // end of image or start of scan before any frame header
            }
            int length = ((jpeg[i + 2] & 0xff) << 8) | (jpeg[i + 3] & 0xff);
            boolean sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
            if (sof) {
                if (i + 8 >= jpeg.length || length < 7) {
                    return null;
                }
                int h = ((jpeg[i + 5] & 0xff) << 8) | (jpeg[i + 6] & 0xff);
                int w = ((jpeg[i + 7] & 0xff) << 8) | (jpeg[i + 8] & 0xff);
                return w > 0 && h > 0 ? new Size(w, h) : null;
            }
            if (length < 2) {
                return null;
            }
            i += 2 + length;
        }
        return null;
    }
}
