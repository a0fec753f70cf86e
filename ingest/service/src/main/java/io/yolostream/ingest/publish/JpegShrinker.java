package io.yolostream.ingest.publish;

import io.yolostream.ingest.IngestException;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

/**
 * Re-encodes a JPEG that is too large for a Kafka request: first at lower quality (15 less each step, down to
 * {@value #MIN_QUALITY}), then, still at that quality, downscaled by {@value #SCALE_STEP} per step. Decodes once with
 * OpenCV {@code imdecode}; every attempt is an {@code imencode}. Stateless and thread-safe.
 */
public final class JpegShrinker {
    static final int QUALITY_STEP = 15;
    static final int MIN_QUALITY = 10;
    static final double SCALE_STEP = 0.75;
    private static final int MIN_SIDE = 16;

    /** The re-encoded image; {@code quality} is the JPEG quality used, {@code width}x{@code height} its size. */
    public record Shrunk(byte[] jpeg, int quality, int width, int height) {
    }

    private JpegShrinker() {
    }

    /**
     * An encoding of {@code jpeg} of at most {@code maxBytes}, starting below {@code quality}. Fails (naming the
     * sizes) if the bytes are not a decodable image, or nothing fits even at {@value #MIN_SIDE} pixels.
     */
    public static Shrunk shrink(byte[] jpeg, int quality, int maxBytes) {
        try (PointerScope scope = new PointerScope()) {
            Mat image = imdecode(new Mat(1, jpeg.length, CV_8UC1, new BytePointer(jpeg)), IMREAD_COLOR);
            if (image == null || image.empty()) {
                throw new IngestException("re-encoding a " + jpeg.length + "-byte frame: expected a decodable JPEG,"
                        + " found bytes that OpenCV cannot decode");
            }
            int q = Math.max(MIN_QUALITY, Math.min(quality, 100));
            while (q > MIN_QUALITY) {
                q = Math.max(MIN_QUALITY, q - QUALITY_STEP);
                byte[] out = encode(image, q);
                if (out.length <= maxBytes) {
                    return new Shrunk(out, q, image.cols(), image.rows());
                }
            }
            Mat scaled = image;
            while (true) {
                int w = (int) Math.round(scaled.cols() * SCALE_STEP);
                int h = (int) Math.round(scaled.rows() * SCALE_STEP);
                if (w < MIN_SIDE || h < MIN_SIDE) {
                    throw new IngestException("re-encoding a " + jpeg.length + "-byte " + image.cols() + "x"
                            + image.rows() + " frame: expected it to fit " + maxBytes + " bytes, found no quality"
                            + " or size down to " + MIN_SIDE + " px that does");
                }
                Mat next = new Mat();
                resize(scaled, next, new Size(w, h), 0, 0, INTER_AREA);
                scaled = next;
                byte[] out = encode(scaled, MIN_QUALITY);
                if (out.length <= maxBytes) {
                    return new Shrunk(out, MIN_QUALITY, w, h);
                }
            }
        }
    }

    private static byte[] encode(Mat image, int quality) {
        BytePointer buf = new BytePointer();
        if (!imencode(".jpg", image, buf, new IntPointer(IMWRITE_JPEG_QUALITY, quality))) {
            throw new IngestException("re-encoding a " + image.cols() + "x" + image.rows()
                    + " frame: OpenCV imencode failed at quality " + quality);
        }
        byte[] out = new byte[(int) buf.limit()];
        buf.get(out);
        return out;
    }
}
