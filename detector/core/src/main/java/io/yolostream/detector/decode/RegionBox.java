package io.yolostream.detector.decode;

import io.yolostream.detector.preprocess.DarknetLetterbox;
import io.yolostream.detector.preprocess.FaceApiLetterbox;

import java.nio.FloatBuffer;

/**
 * A region box as darknet's {@code box}: centre and size, relative to the network input (then to the image once
 * {@link #corrected corrected}). Float/double mix as in darknet's C.
 */
record RegionBox(float x, float y, float w, float h) {

    /**
     * {@code get_region_box}: x and y entries already logistic-activated (passed in), w and h raw from
     * {@code out[boxIndex + 2*stride]} and {@code out[boxIndex + 3*stride]}; anchors in grid cells.
     */
    static RegionBox region(float tx, float ty, FloatBuffer out, int boxIndex, int stride, float anchorW,
                            float anchorH, int col, int row, int gridW, int gridH) {
        float x = (col + tx) / gridW;
        float y = (row + ty) / gridH;
        // exp() is double in C and the whole product is evaluated in double before the store to float.
        float w = (float) (Math.exp(out.get(boxIndex + 2 * stride)) * anchorW / gridW);
        float h = (float) (Math.exp(out.get(boxIndex + 3 * stride)) * anchorH / gridH);
        return new RegionBox(x, y, w, h);
    }

    /** Undoes the preprocessing's placement so the box is relative to the image. */
    RegionBox corrected(DecodeGeometry g) {
        return switch (g.placement()) {
            case DARKNET_CENTRED -> corrected(g.imgW(), g.imgH(), g.netW(), g.netH());
            case FACEAPI_TOP_LEFT -> faceApiCorrected(g.imgW(), g.imgH(), g.netW(), g.netH());
        };
    }

    /**
     * face-api's {@code extractBoxes}: the image starts at the input's top-left, so only the scale is undone
     * ({@code * inputSize / reshapedWidth}, its correction factor).
     */
    RegionBox faceApiCorrected(int imgW, int imgH, int netW, int netH) {
        FaceApiLetterbox.Geometry f = FaceApiLetterbox.geometry(imgW, imgH, netW, netH);
        float sx = (float) netW / f.newW();
        float sy = (float) netH / f.newH();
        return new RegionBox(x * sx, y * sy, w * sx, h * sy);
    }

    /** {@code correct_region_boxes(..., relative=1)}: undoes the letterbox so the box is relative to the image. */
    RegionBox corrected(int imgW, int imgH, int netW, int netH) {
        DarknetLetterbox.LetterboxGeometry g = DarknetLetterbox.geometry(imgW, imgH, netW, netH);
        int newW = g.newW();
        int newH = g.newH();
        // Note "/2." here is a double division, unlike the letterbox's integer (w-new_w)/2.
        float cx = (float) ((x - (netW - newW) / 2. / netW) / ((float) newW / netW));
        float cy = (float) ((y - (netH - newH) / 2. / netH) / ((float) newH / netH));
        float cw = w * ((float) netW / newW);
        float ch = h * ((float) netH / newH);
        return new RegionBox(cx, cy, cw, ch);
    }

    /**
     * Pixel box as darknet's {@code draw_detections} computes it (double, then clipped: left/top at 0, right/bottom
     * at size-1), without its truncation to int.
     */
    DetectedBox.Box toPixels(int imgW, int imgH) {
        double left = (x - w / 2.) * imgW;
        double right = (x + w / 2.) * imgW;
        double top = (y - h / 2.) * imgH;
        double bot = (y + h / 2.) * imgH;
        if (left < 0) {
            left = 0;
        }
        if (right > imgW - 1) {
            right = imgW - 1;
        }
        if (top < 0) {
            top = 0;
        }
        if (bot > imgH - 1) {
            bot = imgH - 1;
        }
        return new DetectedBox.Box((float) left, (float) top, (float) (right - left), (float) (bot - top));
    }

    float iou(RegionBox o) {
        return DarknetMath.iou(x, y, w, h, o.x, o.y, o.w, o.h);
    }
}
