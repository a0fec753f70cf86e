package io.yolostream.detector.opencv;

import io.yolostream.detector.model.ModelException;
import io.yolostream.detector.preprocess.DarknetLetterbox;
import io.yolostream.detector.preprocess.Preprocessor;

import java.util.Locale;

/** The preprocessors by the name the command line and the configuration use. */
public final class Preprocessors {
    private Preprocessors() {
    }

    /** "darknet" (exact darknet letterbox, pure Java) or "opencv" (OpenCV resize), any case. */
    public static Preprocessor byName(String name) {
        return switch (name.strip().toLowerCase(Locale.ROOT)) {
            case "darknet" -> new DarknetLetterbox();
            case "opencv" -> new OpenCvLetterbox();
            default -> throw new ModelException("preprocess: expected darknet or opencv, found '" + name + "'");
        };
    }
}
