package io.yolostream.detector.decode;

import io.yolostream.detector.model.ModelException;

/**
 * Sizes one region output is decoded against.
 *
 * @param gridW output width in cells
 * @param gridH output height in cells
 * @param netW  network input width the image was letterboxed to
 * @param netH  network input height
 * @param imgW  original image width in pixels
 * @param imgH  original image height in pixels
 */
public record DecodeGeometry(int gridW, int gridH, int netW, int netH, int imgW, int imgH) {
    public DecodeGeometry {
        if (gridW <= 0 || gridH <= 0 || netW <= 0 || netH <= 0 || imgW <= 0 || imgH <= 0) {
            throw new ModelException("decode geometry: expected positive sizes, found grid " + gridW + "x" + gridH
                    + ", network " + netW + "x" + netH + ", image " + imgW + "x" + imgH);
        }
    }

    /** Cells per output plane, darknet's {@code l.w*l.h} (the stride between entries of one anchor). */
    public int cells() {
        return gridW * gridH;
    }
}
