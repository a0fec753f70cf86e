package io.yolostream.detector.opencv;

import io.yolostream.detector.model.ModelException;
import io.yolostream.detector.preprocess.RgbImage;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.opencv_core.Mat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR_RGB;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_RGB2BGR;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;

/**
 * Image decoding and encoding with OpenCV's codecs (JPEG, PNG, BMP, WebP, TIFF, ...), to and from {@link RgbImage}.
 * Every native object lives in a {@link PointerScope}, so nothing leaks when called once per video frame.
 */
public final class OpenCvImages {
    private OpenCvImages() {}

    /**
     * Decodes an encoded image (any format OpenCV reads) into 8-bit RGB. Grey, 16-bit and alpha images are
     * converted; EXIF orientation is applied.
     *
     * @param source names the bytes in error messages (a file, a Kafka topic/partition/offset, ...)
     * @throws ModelException when the bytes are not an image OpenCV can decode
     */
    @SuppressWarnings("try") // the PointerScope is only there to free what the body allocates
    public static RgbImage decode(byte[] encoded, String source) {
        int length = encoded == null ? 0 : encoded.length;
        if (length == 0) {
            throw notAnImage(source, 0, null);
        }
        try (PointerScope scope = new PointerScope()) {
            BytePointer bytes = new BytePointer(encoded);
            Mat buf = new Mat(1, length, CV_8UC1, bytes);
            // IMREAD_COLOR_RGB decodes straight to RGB (no separate BGR->RGB pass).
            Mat rgb = imdecode(buf, IMREAD_COLOR_RGB);
            if (rgb == null || rgb.empty()) {
                throw notAnImage(source, length, null);
            }
            return toRgbImage(rgb);
        } catch (RuntimeException e) {
            if (e instanceof ModelException) {
                throw e;
            }
            // Some codecs report corrupt data as a cv::Exception instead of an empty Mat.
            throw notAnImage(source, length, e);
        }
    }

    /** Reads and decodes an image file; errors name the file. */
    public static RgbImage read(Path file) {
        byte[] encoded;
        try {
            encoded = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ModelException("image " + file + ": expected a readable image file, found "
                    + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
        return decode(encoded, file.toString());
    }

    /** Encodes as JPEG, {@code quality} 0..100 (OpenCV's default is 95). */
    @SuppressWarnings("try") // the PointerScope is only there to free what the body allocates
    public static byte[] encodeJpeg(RgbImage image, int quality) {
        if (quality < 0 || quality > 100) {
            throw new ModelException("JPEG quality: expected 0..100, found " + quality);
        }
        try (PointerScope scope = new PointerScope()) {
            Mat bgr = toBgrMat(image);
            BytePointer out = new BytePointer();
            IntPointer params = new IntPointer(IMWRITE_JPEG_QUALITY, quality);
            if (!imencode(".jpg", bgr, out, params)) {
                throw new ModelException("JPEG encoding of a " + image.width() + "x" + image.height()
                        + " image: expected bytes, found a failure from OpenCV");
            }
            byte[] result = new byte[Math.toIntExact(out.limit())];
            out.get(result);
            return result;
        }
    }

    /** A new BGR Mat (OpenCV's channel order) holding a copy of the image; the caller (or its scope) closes it. */
    static Mat toBgrMat(RgbImage image) {
        try (Mat rgb = new Mat(image.height(), image.width(), CV_8UC3)) {
            rgb.data().put(image.rgb());
            Mat bgr = new Mat();
            cvtColor(rgb, bgr, COLOR_RGB2BGR);
            return bgr;
        }
    }

    /** Copies an 8-bit 3-channel RGB Mat into an RgbImage in one bulk transfer. */
    static RgbImage toRgbImage(Mat rgb) {
        if (rgb.type() != CV_8UC3) {
            throw new ModelException("decoded image: expected 8-bit 3-channel pixels (CV_8UC3 = " + CV_8UC3
                    + "), found Mat type " + rgb.type());
        }
        int width = rgb.cols();
        int height = rgb.rows();
        byte[] pixels = new byte[width * height * 3];
        if (rgb.isContinuous()) {
            rgb.data().get(pixels);
        } else {
            // A padded Mat (rare: views/ROIs): copy row by row, each row is contiguous.
            long step = rgb.step();
            BytePointer data = rgb.data();
            for (int y = 0; y < height; y++) {
                data.position(y * step).get(pixels, y * width * 3, width * 3);
            }
            data.position(0);
        }
        return new RgbImage(width, height, pixels);
    }

    private static ModelException notAnImage(String source, int length, Throwable cause) {
        String message = "image " + source + ": expected a JPEG/PNG/BMP/WebP/TIFF image, found " + length
                + " bytes that do not decode";
        if (cause != null) {
            String detail = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage().strip();
            message += " (OpenCV: " + detail.lines().findFirst().orElse(detail) + ")";
        }
        return new ModelException(message, cause);
    }
}
