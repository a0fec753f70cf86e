package io.yolostream.detector.opencv;

import io.yolostream.detector.model.ModelException;
import io.yolostream.detector.preprocess.RgbImage;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OpenCvImagesTest {
    @TempDir
    Path dir;

    /** A smooth, non-square test picture with different content in each channel. */
    static RgbImage gradient(int w, int h) {
        byte[] rgb = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = (y * w + x) * 3;
                rgb[i] = (byte) (x * 255 / (w - 1));
                rgb[i + 1] = (byte) (y * 255 / (h - 1));
                rgb[i + 2] = (byte) 64;
            }
        }
        return new RgbImage(w, h, rgb);
    }

    @Test
    void jpegRoundTripIsCloseAndKeepsChannelOrder() {
        RgbImage original = gradient(64, 48);
        byte[] jpeg = OpenCvImages.encodeJpeg(original, 95);
        assertEquals((byte) 0xFF, jpeg[0]);
        assertEquals((byte) 0xD8, jpeg[1]);
        RgbImage decoded = OpenCvImages.decode(jpeg, "round-trip");
        assertEquals(64, decoded.width());
        assertEquals(48, decoded.height());
        long sum = 0;
        int max = 0;
        for (int i = 0; i < original.rgb().length; i++) {
            int d = Math.abs((original.rgb()[i] & 0xff) - (decoded.rgb()[i] & 0xff));
            sum += d;
            max = Math.max(max, d);
        }
        double mean = sum / (double) original.rgb().length;
        assertTrue(mean < 2.0, "mean abs difference " + mean);
        assertTrue(max < 24, "max abs difference " + max);
    }

    /** PNG is lossless: decoding must give back exactly the pixels ImageIO wrote, in RGB order. */
    @Test
    void pngDecodesExactlyAsRgb() throws IOException {
        RgbImage original = gradient(7, 5);
        BufferedImage img = new BufferedImage(7, 5, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 5; y++) {
            for (int x = 0; x < 7; x++) {
                img.setRGB(x, y, original.get(x, y, 0) << 16 | original.get(x, y, 1) << 8 | original.get(x, y, 2));
            }
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(img, "png", png);
        Path file = Files.write(dir.resolve("frame.png"), png.toByteArray());
        RgbImage decoded = OpenCvImages.read(file);
        assertEquals(7, decoded.width());
        assertEquals(5, decoded.height());
        assertArrayEquals(original.rgb(), decoded.rgb());
    }

    @Test
    void corruptBytesNameTheSource() {
        byte[] junk = {1, 2, 3, 4, 5};
        ModelException e = assertThrows(ModelException.class, () -> OpenCvImages.decode(junk, "frames/3@17"));
        assertTrue(e.getMessage().contains("frames/3@17"), e.getMessage());
        assertTrue(e.getMessage().contains("found 5 bytes that do not decode"), e.getMessage());
    }

    @Test
    void truncatedJpegIsRejected() {
        byte[] jpeg = OpenCvImages.encodeJpeg(gradient(64, 48), 90);
        byte[] header = java.util.Arrays.copyOf(jpeg, 20);
        ModelException e = assertThrows(ModelException.class, () -> OpenCvImages.decode(header, "cut.jpg"));
        assertTrue(e.getMessage().contains("cut.jpg"), e.getMessage());
    }

    @Test
    void emptyBytesAreRejected() {
        ModelException e = assertThrows(ModelException.class, () -> OpenCvImages.decode(new byte[0], "empty"));
        assertTrue(e.getMessage().contains("found 0 bytes"), e.getMessage());
    }

    @Test
    void missingFileNamesThePath() {
        Path missing = dir.resolve("missing.jpg");
        ModelException e = assertThrows(ModelException.class, () -> OpenCvImages.read(missing));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }

    @Test
    void badQualityIsRejected() {
        assertThrows(ModelException.class, () -> OpenCvImages.encodeJpeg(gradient(4, 4), 101));
    }

    @Test
    void manyDecodesLeaveNoNativeObjects() {
        byte[] jpeg = OpenCvImages.encodeJpeg(gradient(32, 32), 80);
        OpenCvImages.decode(jpeg, "warm-up");
        long live = Pointer.totalCount();
        for (int i = 0; i < 100; i++) {
            OpenCvImages.decode(jpeg, "loop");
            OpenCvImages.encodeJpeg(gradient(8, 8), 80);
            assertThrows(ModelException.class, () -> OpenCvImages.decode(new byte[] {9, 9, 9}, "junk"));
        }
        assertTrue(Pointer.totalCount() <= live, "live JavaCPP pointers grew from " + live + " to "
                + Pointer.totalCount());
    }
}
