package io.yolostream.detector.preprocess;

import io.yolostream.detector.model.ModelException;

/**
 * A decoded 8-bit image: interleaved RGB, row-major, {@code width*height*3} bytes.
 * The model core takes this, so that callers (files, Kafka frames, cameras) decode however they like.
 */
public record RgbImage(int width, int height, byte[] rgb) {
    public RgbImage {
        if (width <= 0 || height <= 0) {
            throw new ModelException("image size: expected positive width and height, found " + width + "x" + height);
        }
        if (rgb.length != width * height * 3) {
            throw new ModelException("image pixels: expected " + width + "*" + height + "*3 = " + (width * height * 3)
                    + " bytes, found " + rgb.length);
        }
    }

    /** Channel value 0..255 at (x, y), channel 0=R 1=G 2=B. */
    public int get(int x, int y, int channel) {
        return rgb[(y * width + x) * 3 + channel] & 0xff;
    }
}
