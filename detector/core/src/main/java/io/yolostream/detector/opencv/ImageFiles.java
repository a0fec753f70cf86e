package io.yolostream.detector.opencv;

import io.yolostream.detector.model.ModelException;
import io.yolostream.detector.preprocess.RgbImage;
import io.yolostream.detector.preprocess.StbJpegDecoder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Reads image files for the commands that compare with darknet. {@link Decoder#STB} decodes JPEGs with our port of
 * stb_image — the decoder darknet uses — so the pixels, and therefore the detections, are darknet's to the bit;
 * other formats (PNG, BMP, ...) and {@link Decoder#OPENCV} use OpenCV (libjpeg-turbo: faster, ±1-3 per channel on
 * JPEGs, and it applies EXIF orientation, which stb and darknet ignore).
 */
public final class ImageFiles {
    public enum Decoder {
        STB, OPENCV;

        public static Decoder parse(String text) {
            try {
                return valueOf(text.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new ModelException("image decoder: expected stb or opencv, found '" + text + "'");
            }
        }
    }

    private ImageFiles() {
    }

    public static RgbImage read(Path file, Decoder decoder) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ModelException("image " + file + ": cannot read it: " + e.getMessage(), e);
        }
        if (decoder == Decoder.STB && StbJpegDecoder.isJpeg(bytes)) {
            return StbJpegDecoder.decode(bytes, file.toString());
        }
        return OpenCvImages.decode(bytes, file.toString());
    }
}
