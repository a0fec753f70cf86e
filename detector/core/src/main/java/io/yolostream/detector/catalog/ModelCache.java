package io.yolostream.detector.catalog;

import io.yolostream.detector.faceapi.FaceApiPackage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where pulled models live: {@code $YOLOSTREAM_HOME/models}, else {@code ~/.cache/yolostream/models}; one directory
 * per model ({@code <dir>/<model>/<file>}, plus {@code <model>.onnx}).
 */
public record ModelCache(Path dir) {

    public static ModelCache fromEnvironment() {
        return fromEnvironment(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    static ModelCache fromEnvironment(Map<String, String> env, Path home) {
        String y = env.get("YOLOSTREAM_HOME");
        if (y != null && !y.isBlank()) {
            return new ModelCache(Path.of(y).resolve("models"));
        }
        return new ModelCache(home.resolve(".cache").resolve("yolostream").resolve("models"));
    }

    public Path modelDir(ModelSpec model) {
        return dir.resolve(model.name());
    }

    public Path path(ModelSpec model, ModelFile file) {
        return modelDir(model).resolve(file.name());
    }

    public Path onnx(ModelSpec model) {
        return modelDir(model).resolve(model.onnxName());
    }

    /** All the model's files and its ONNX are in place. */
    public boolean isCached(ModelSpec model) {
        if (!Files.isRegularFile(onnx(model))) {
            return false;
        }
        if (model.format() == ModelSpec.Format.FACEAPI) {
            // the archive may have been deleted to save space: the extracted files are what counts
            return Files.isRegularFile(modelDir(model).resolve(FaceApiPackage.WEIGHTS))
                    && Files.isRegularFile(modelDir(model).resolve(FaceApiPackage.MANIFEST));
        }
        return model.files().stream().allMatch(f -> Files.isRegularFile(path(model, f)));
    }
}
