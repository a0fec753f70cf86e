package io.yolostream.detector.model;

/**
 * The one exception the model core throws: bad cfg/weights/ONNX files, bad sizes, runtime failures.
 * Messages name the input, what was expected and what was found.
 */
public class ModelException extends RuntimeException {
    public ModelException(String message) {
        super(message);
    }

    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
