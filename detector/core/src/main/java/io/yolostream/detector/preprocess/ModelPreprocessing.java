package io.yolostream.detector.preprocess;

import io.yolostream.detector.model.ModelException;
import io.yolostream.detector.model.ModelInfo;

/**
 * Which preprocessor a model gets: the model's metadata ({@link ModelInfo#preprocess()}) decides what the network
 * expects; the user's choice ("darknet" exact or "opencv" fast) picks an implementation of that.
 */
public final class ModelPreprocessing {
    private ModelPreprocessing() {
    }

    /**
     * @param requested the user's preprocessor (command line or detect config; "darknet" by default)
     * @return {@code requested} for darknet-letterbox models; for face-api models the face-api preprocessing when the
     * user asked for the exact path ("darknet", the default, or "faceapi")
     * @throws ModelException when the request cannot give the model its input (opencv for a face-api model, faceapi
     *                        for a darknet model) or the model names a preprocessing this version does not know
     */
    public static Preprocessor forModel(ModelInfo info, Preprocessor requested) {
        String kind = requested.name();
        switch (info.preprocess()) {
            case ModelInfo.DARKNET_LETTERBOX -> {
                if (requested instanceof FaceApiLetterbox) {
                    throw new ModelException("model " + info.name() + ": preprocess faceapi is for face-api models;"
                            + " this one expects " + ModelInfo.DARKNET_LETTERBOX + " (use darknet or opencv)");
                }
                return requested;
            }
            case ModelInfo.FACEAPI_PAD -> {
                if (requested instanceof FaceApiLetterbox) {
                    return requested;
                }
                if (requested instanceof DarknetLetterbox) {
                    return new FaceApiLetterbox(); // "the exact pure-Java path" of this model's own preprocessing
                }
                throw new ModelException("model " + info.name() + ": expected preprocess darknet or faceapi (the"
                        + " model's exact " + ModelInfo.FACEAPI_PAD + " preprocessing), found " + kind
                        + ": it letterboxes as darknet does, which this model was not trained with");
            }
            default -> throw new ModelException("model " + info.name() + ": expected preprocess "
                    + ModelInfo.DARKNET_LETTERBOX + " or " + ModelInfo.FACEAPI_PAD + " in its metadata, found '"
                    + info.preprocess() + "'");
        }
    }
}
