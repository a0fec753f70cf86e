package io.yolostream.ingest.source;

import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.opencv.opencv_core.Mat;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGR24;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BILINEAR;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getCachedContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

/**
 * Converts decoded pictures (YUV, whatever the decoder gives) to an OpenCV BGR Mat with swscale, only for the frames
 * that are published: a decoder's other frames are never converted. Owns its swscale context and image buffer; the
 * returned Mat is valid until the next call. Not thread-safe.
 */
final class BgrConverter implements AutoCloseable {
    // rows are padded to 64 bytes: swscale's SIMD paths may write past an unaligned row end
    private static final int ROW_ALIGN = 64;

    private SwsContext context;
    private BytePointer buffer;
    private Mat bgr;
    private final PointerPointer<BytePointer> dstData = new PointerPointer<>(4);
    private final IntPointer dstStride = new IntPointer(4);

    Mat convert(AVFrame picture) {
        int width = picture.width();
        int height = picture.height();
        context = sws_getCachedContext(context, width, height, picture.format(), width, height, AV_PIX_FMT_BGR24,
                SWS_BILINEAR, null, null, (DoublePointer) null);
        if (context == null) {
            throw new IllegalStateException("swscale cannot convert pixel format " + picture.format() + " ("
                    + width + "x" + height + ") to BGR");
        }
        if (bgr == null || bgr.cols() != width || bgr.rows() != height) {
            allocate(width, height);
        }
        sws_scale(context, picture.data(), picture.linesize(), 0, height, dstData, dstStride);
        return bgr;
    }

    private void allocate(int width, int height) {
        releaseImage();
        int stride = (width * 3 + ROW_ALIGN - 1) / ROW_ALIGN * ROW_ALIGN;
        buffer = new BytePointer((long) stride * height + ROW_ALIGN);
        bgr = new Mat(height, width, CV_8UC3, buffer, stride);
        dstData.put(0, buffer);
        dstStride.put(0, stride);
    }

    private void releaseImage() {
        if (bgr != null) {
            bgr.close();
            buffer.close();
            bgr = null;
            buffer = null;
        }
    }

    @Override
    public void close() {
        releaseImage();
        if (context != null) {
            sws_freeContext(context);
            context = null;
        }
        dstStride.close();
        dstData.close();
    }
}
