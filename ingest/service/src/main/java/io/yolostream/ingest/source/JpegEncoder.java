package io.yolostream.ingest.source;

import io.yolostream.ingest.IngestException;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;

/**
 * JPEG-encodes BGR frames with OpenCV ({@code imencode}, libjpeg-turbo). Keeps its parameter block between frames.
 * Not thread-safe: one per camera or replay run.
 */
public final class JpegEncoder implements AutoCloseable {
    private final IntPointer params = new IntPointer(IMWRITE_JPEG_QUALITY, 0);

    /** The JPEG bytes of an 8-bit BGR (or gray) image at {@code quality} 1..100. */
    public byte[] encode(Mat image, int quality) {
        if (quality < 1 || quality > 100) {
            throw new IllegalArgumentException("JPEG quality: expected 1..100, found " + quality);
        }
        params.put(1, quality);
        // imencode fills a std::vector: JavaCPP hands it over as a fresh native buffer, freed right after the copy
        try (BytePointer out = new BytePointer()) {
            if (!imencode(".jpg", image, out, params)) {
                throw new IngestException("JPEG encoding of a " + image.cols() + "x" + image.rows() + " image with "
                        + image.channels() + " channels failed: expected an 8-bit BGR image");
            }
            byte[] jpeg = new byte[(int) out.limit()];
            out.get(jpeg);
            return jpeg;
        }
    }

    @Override
    public void close() {
        params.close();
    }
}
