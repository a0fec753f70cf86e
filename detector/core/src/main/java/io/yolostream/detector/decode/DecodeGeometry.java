package io.yolostream.detector.decode;

import io.yolostream.detector.model.ModelException;
import io.yolostream.detector.model.ModelInfo;

import java.util.Objects;

/**
 * Sizes one region output is decoded against.
 *
 * @param gridW     output width in cells
 * @param gridH     output height in cells
 * @param netW      network input width the image was letterboxed to
 * @param netH      network input height
 * @param imgW      original image width in pixels
 * @param imgH      original image height in pixels
 * @param placement where the preprocessing put the scaled image in the input, so boxes can be mapped back
 */
public record DecodeGeometry(int gridW, int gridH, int netW, int netH, int imgW, int imgH, Placement placement) {

    /** How the image lies in the network input. */
    public enum Placement {
        /** Darknet's letterbox: scaled size truncated, centred (padding split between both sides). */
        DARKNET_CENTRED,
        /** face-api's toBatchTensor: scaled size rounded, at the top-left (padding at the bottom/right). */
        FACEAPI_TOP_LEFT;

        /** The placement of a model's {@link ModelInfo#preprocess()}. */
        public static Placement of(String preprocess) {
            return ModelInfo.FACEAPI_PAD.equals(preprocess) ? FACEAPI_TOP_LEFT : DARKNET_CENTRED;
        }
    }

    public DecodeGeometry {
        Objects.requireNonNull(placement, "placement");
        if (gridW <= 0 || gridH <= 0 || netW <= 0 || netH <= 0 || imgW <= 0 || imgH <= 0) {
            throw new ModelException("decode geometry: expected positive sizes, found grid " + gridW + "x" + gridH
                    + ", network " + netW + "x" + netH + ", image " + imgW + "x" + imgH);
        }
    }

    /** Darknet's letterbox placement. */
    public DecodeGeometry(int gridW, int gridH, int netW, int netH, int imgW, int imgH) {
        this(gridW, gridH, netW, netH, imgW, imgH, Placement.DARKNET_CENTRED);
    }

    /** Cells per output plane, darknet's {@code l.w*l.h} (the stride between entries of one anchor). */
    public int cells() {
        return gridW * gridH;
    }
}
