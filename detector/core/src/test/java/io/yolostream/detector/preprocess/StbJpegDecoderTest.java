package io.yolostream.detector.preprocess;

import io.yolostream.detector.model.ModelException;
import io.yolostream.detector.opencv.OpenCvImages;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR_RGB;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_OPTIMIZE;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_PROGRESSIVE;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_RST_INTERVAL;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_SAMPLING_FACTOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_SAMPLING_FACTOR_411;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_SAMPLING_FACTOR_420;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_SAMPLING_FACTOR_422;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_SAMPLING_FACTOR_440;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_SAMPLING_FACTOR_444;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_RGB2BGR;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_RGB2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StbJpegDecoderTest {

    /**
     * Golden fixtures (src/test/resources/stb/): small JPEGs written with libjpeg-turbo (synthetic content; every
     * sampling layout stb distinguishes, progressive, restart intervals, grey, RGB, CMYK, YCCK, extreme coefficients
     * with 16-bit quantization tables) and the SHA-256 of the RGB bytes that darknet's stb_image v2.19, compiled
     * like darknet (gcc -Ofast, x86-64, so with its SSE2 IDCT), returns for them. The two extreme_coef fixtures
     * decode differently with stb's scalar IDCT, so they pin the SSE2 arithmetic.
     */
    @Test
    void goldenFixturesDecodeExactlyLikeStbImage() throws IOException {
        List<String> checked = new ArrayList<>();
        for (String line : resourceText("stb-expected.txt").split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.trim().split("\\s+");
            byte[] jpeg = resource(f[0]);
            RgbImage image = StbJpegDecoder.decode(jpeg, f[0]);
            assertEquals(Integer.parseInt(f[1]), image.width(), f[0] + " width");
            assertEquals(Integer.parseInt(f[2]), image.height(), f[0] + " height");
            assertEquals(f[3], sha256(image.rgb()), f[0] + ": RGB bytes differ from stb_image's");
            checked.add(f[0]);
        }
        assertEquals(14, checked.size(), "fixtures checked: " + checked);
    }

    /**
     * Every encoder variant OpenCV (libjpeg-turbo) writes decodes to within a few levels of OpenCV's own decoder
     * (the two differ in IDCT rounding, colour conversion precision and chroma upsampling, never by much).
     */
    @Test
    void agreesWithOpenCvOnEncoderVariants() {
        Random random = new Random(20240611);
        int[] samplings = {
            IMWRITE_JPEG_SAMPLING_FACTOR_411, IMWRITE_JPEG_SAMPLING_FACTOR_420, IMWRITE_JPEG_SAMPLING_FACTOR_422,
            IMWRITE_JPEG_SAMPLING_FACTOR_440, IMWRITE_JPEG_SAMPLING_FACTOR_444
        };
        int[][] sizes = {{64, 48}, {37, 23}, {1, 19}, {19, 1}, {1, 1}, {17, 9}, {33, 65}, {160, 91}};
        int cases = 0;
        for (int[] size : sizes) {
            for (int sampling : samplings) {
                for (int variant = 0; variant < 4; variant++) {
                    boolean grey = variant == 3 && sampling == IMWRITE_JPEG_SAMPLING_FACTOR_444;
                    int quality = new int[] {95, 75, 40, 90}[variant];
                    int[] params = {
                        IMWRITE_JPEG_QUALITY, quality,
                        IMWRITE_JPEG_SAMPLING_FACTOR, sampling,
                        IMWRITE_JPEG_PROGRESSIVE, variant == 1 || variant == 3 ? 1 : 0,
                        IMWRITE_JPEG_OPTIMIZE, variant == 2 ? 1 : 0,
                        IMWRITE_JPEG_RST_INTERVAL, variant == 2 ? 1 + random.nextInt(3) : variant == 3 ? 5 : 0
                    };
                    RgbImage original = smooth(size[0], size[1], random);
                    byte[] jpeg = encode(original, grey, params);
                    String name = size[0] + "x" + size[1] + " sampling " + Integer.toHexString(sampling)
                            + " variant " + variant + (grey ? " grey" : "");
                    assertTrue(StbJpegDecoder.isJpeg(jpeg), name);
                    RgbImage ours = StbJpegDecoder.decode(jpeg, name);
                    RgbImage reference = OpenCvImages.decode(jpeg, name);
                    // OpenCV's libjpeg-turbo upsamples 2x-subsampled chroma its own way (stb: triangle filter),
                    // so those layouts differ by more on colour edges; a wrong layout or block would be far off
                    boolean twoX = !grey && (sampling == IMWRITE_JPEG_SAMPLING_FACTOR_420
                            || sampling == IMWRITE_JPEG_SAMPLING_FACTOR_422);
                    assertClose(reference, ours, name, twoX ? 20 : 3, twoX ? 4.0 : 0.5);
                    if (grey) {
                        byte[] px = ours.rgb();
                        for (int i = 0; i < px.length; i += 3) {
                            assertTrue(px[i] == px[i + 1] && px[i] == px[i + 2], name + ": grey pixel " + i / 3);
                        }
                    }
                    cases++;
                }
            }
        }
        assertEquals(sizes.length * samplings.length * 4, cases);
    }

    @Test
    void decodesARealisticSizeQuickly() {
        RgbImage original = smooth(768, 576, new Random(7));
        byte[] jpeg = encode(original, false, new int[] {IMWRITE_JPEG_QUALITY, 90});
        RgbImage decoded = null;
        for (int i = 0; i < 5; i++) {
            decoded = StbJpegDecoder.decode(jpeg, "768x576");
        }
        long start = System.nanoTime();
        decoded = StbJpegDecoder.decode(jpeg, "768x576");
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertClose(OpenCvImages.decode(jpeg, "768x576"), decoded, "768x576", 20, 4.0);
        assertTrue(ms < 2000, "decode took " + ms + " ms");
    }

    @Test
    void isJpegChecksTheStartOfImageMarker() {
        assertTrue(StbJpegDecoder.isJpeg(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF}));
        assertTrue(StbJpegDecoder.isJpeg(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xD8})); // fill byte, as stb
        assertFalse(StbJpegDecoder.isJpeg(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}));
        assertFalse(StbJpegDecoder.isJpeg(new byte[] {(byte) 0xFF}));
        assertFalse(StbJpegDecoder.isJpeg(new byte[0]));
        assertFalse(StbJpegDecoder.isJpeg(null));
    }

    @Test
    void rejectsWhatIsNotAJpeg() {
        ModelException empty = assertThrows(ModelException.class, () -> StbJpegDecoder.decode(new byte[0], "e.jpg"));
        assertTrue(empty.getMessage().contains("e.jpg") && empty.getMessage().contains("0 bytes"), empty.getMessage());
        assertThrows(ModelException.class, () -> StbJpegDecoder.decode(null, "null.jpg"));
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13};
        ModelException notJpeg = assertThrows(ModelException.class, () -> StbJpegDecoder.decode(png, "x.png"));
        assertTrue(notJpeg.getMessage().contains("x.png") && notJpeg.getMessage().contains("FF D8")
                && notJpeg.getMessage().contains("89 50 4E 47"), notJpeg.getMessage());
        byte[] garbage = new byte[500];
        new Random(3).nextBytes(garbage);
        garbage[0] = (byte) 0xFF;
        garbage[1] = (byte) 0xD8;
        ModelException bad = assertThrows(ModelException.class, () -> StbJpegDecoder.decode(garbage, "junk.jpg"));
        assertTrue(bad.getMessage().startsWith("JPEG junk.jpg: expected"), bad.getMessage());
    }

    @Test
    void rejectsTruncatedAndCorruptJpegs() throws IOException {
        byte[] jpeg = resource("ycc420_q75.jpg");
        // stb reads zeros past the end, then finds no EOI marker: the whole load fails
        for (int cut : new int[] {2, 3, 20, jpeg.length / 2, jpeg.length - 2}) {
            byte[] truncated = Arrays.copyOf(jpeg, cut);
            ModelException e = assertThrows(ModelException.class,
                    () -> StbJpegDecoder.decode(truncated, "cut" + cut + ".jpg"), "cut at " + cut);
            assertTrue(e.getMessage().startsWith("JPEG cut" + cut + ".jpg: expected"), e.getMessage());
        }
        int sof = indexOfMarker(jpeg, 0xC0);
        byte[] twelveBit = jpeg.clone();
        twelveBit[sof + 4] = 12; // sample precision
        ModelException precision = assertThrows(ModelException.class,
                () -> StbJpegDecoder.decode(twelveBit, "p12.jpg"));
        assertTrue(precision.getMessage().contains("8-bit samples, found 12-bit"), precision.getMessage());
        byte[] lossless = jpeg.clone();
        lossless[sof + 1] = (byte) 0xC3; // SOF3: lossless, which stb does not decode
        ModelException sof3 = assertThrows(ModelException.class, () -> StbJpegDecoder.decode(lossless, "l.jpg"));
        assertTrue(sof3.getMessage().contains("FF C3"), sof3.getMessage());
        byte[] badHuffman = jpeg.clone();
        int dht = indexOfMarker(jpeg, 0xC4);
        badHuffman[dht + 5] = 3; // three 1-bit codes cannot exist
        ModelException huffman = assertThrows(ModelException.class,
                () -> StbJpegDecoder.decode(badHuffman, "h.jpg"));
        assertTrue(huffman.getMessage().contains("bad code lengths"), huffman.getMessage());
        byte[] noImageData = Arrays.copyOf(jpeg, indexOfMarker(jpeg, 0xDA) + 2);
        noImageData[noImageData.length - 1] = (byte) 0xD9; // EOI instead of SOS: frame without scans
        RgbImage empty = StbJpegDecoder.decode(noImageData, "noscan.jpg"); // stb returns (uninitialised) pixels
        assertEquals(37, empty.width());
    }

    // ---- helpers

    private static int indexOfMarker(byte[] jpeg, int marker) {
        for (int i = 2; i + 1 < jpeg.length; i++) {
            if ((jpeg[i] & 0xff) == 0xff && (jpeg[i + 1] & 0xff) == marker) {
                return i;
            }
        }
        throw new AssertionError("no marker FF " + Integer.toHexString(marker));
    }

    /** Smooth content with a little noise: decoders then differ by rounding only. */
    private static RgbImage smooth(int w, int h, Random random) {
        byte[] rgb = new byte[w * h * 3];
        double fx = 0.02 + random.nextDouble() * 0.04;
        double fy = 0.02 + random.nextDouble() * 0.04;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) {
                    double v = 128 + 90 * Math.sin(fx * x + fy * y * (c + 1) + c) + random.nextInt(5) - 2;
                    rgb[(y * w + x) * 3 + c] = (byte) Math.max(0, Math.min(255, (int) v));
                }
            }
        }
        return new RgbImage(w, h, rgb);
    }

    @SuppressWarnings("try") // the scope only frees what the body allocates
    private static byte[] encode(RgbImage image, boolean grey, int[] params) {
        try (PointerScope scope = new PointerScope()) {
            Mat rgb = new Mat(image.height(), image.width(), CV_8UC3);
            rgb.data().put(image.rgb());
            Mat converted = new Mat();
            cvtColor(rgb, converted, grey ? COLOR_RGB2GRAY : COLOR_RGB2BGR);
            assertEquals(grey ? CV_8UC1 : CV_8UC3, converted.type());
            BytePointer out = new BytePointer();
            assertTrue(imencode(".jpg", converted, out, new IntPointer(params)), "imencode");
            byte[] bytes = new byte[Math.toIntExact(out.limit())];
            out.get(bytes);
            return bytes;
        }
    }

    private static void assertClose(RgbImage expected, RgbImage actual, String name, int maxDiff, double maxMean) {
        assertEquals(expected.width(), actual.width(), name + " width");
        assertEquals(expected.height(), actual.height(), name + " height");
        byte[] a = expected.rgb();
        byte[] b = actual.rgb();
        long sum = 0;
        int max = 0;
        for (int i = 0; i < a.length; i++) {
            int d = Math.abs((a[i] & 0xff) - (b[i] & 0xff));
            sum += d;
            max = Math.max(max, d);
        }
        double mean = sum / (double) a.length;
        assertTrue(max <= maxDiff, name + ": max |difference| to OpenCV " + max + " (mean " + mean + ")");
        assertTrue(mean < maxMean, name + ": mean |difference| to OpenCV " + mean);
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = StbJpegDecoderTest.class.getResourceAsStream("/stb/" + name)) {
            assertNotNull(in, "test resource stb/" + name);
            return in.readAllBytes();
        }
    }

    private static String resourceText(String name) throws IOException {
        return new String(resource(name), StandardCharsets.UTF_8);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
