package io.yolostream.detector.opencv;

import io.yolostream.detector.model.ModelException;
import io.yolostream.detector.preprocess.DarknetLetterbox;
import io.yolostream.detector.preprocess.FaceApiLetterbox;
import io.yolostream.detector.preprocess.Preprocessor;

import java.util.Locale;

/** The preprocessors by the name the command line and the configuration use. */
public final class Preprocessors {
    private Preprocessors() {
    }

    /**
     * "darknet" (exact darknet letterbox, pure Java), "opencv" (OpenCV resize) or "faceapi" (face-api's padding), any
     * case. The model has the last word: see {@link io.yolostream.detector.preprocess.ModelPreprocessing}.
     */
    public static Preprocessor byName(String name) {
        return switch (name.strip().toLowerCase(Locale.ROOT)) {
            case "darknet" -> new DarknetLetterbox();
            case "opencv" -> new OpenCvLetterbox();
            case "faceapi" -> new FaceApiLetterbox();
            default -> throw new ModelException("preprocess: expected darknet, opencv or faceapi, found '" + name
                    + "'");
        };
    }
}
