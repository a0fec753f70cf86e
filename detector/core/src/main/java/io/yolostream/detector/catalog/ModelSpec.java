package io.yolostream.detector.catalog;

import java.util.List;
import java.util.Optional;

/** A known model: its name, what it detects, its input size, how it is converted and its files. */
public record ModelSpec(String name, String dataset, int classes, int inputSize, Format format,
                        List<ModelFile> files) {

    /** How the files become an ONNX model. */
    public enum Format {
        /** darknet cfg + weights (+ names, tree) */
        DARKNET,
        /** face-api's npm package: TF.js weights of its tiny face detector */
        FACEAPI
    }

    public ModelSpec {
        files = List.copyOf(files);
        boolean ok = switch (format) {
            case DARKNET -> files.stream().anyMatch(f -> f.role() == ModelFile.Role.CFG)
                    && files.stream().anyMatch(f -> f.role() == ModelFile.Role.WEIGHTS);
            case FACEAPI -> files.stream().anyMatch(f -> f.role() == ModelFile.Role.PACKAGE);
        };
        if (!ok) {
            throw new IllegalArgumentException("model " + name + ": a " + format + " model needs "
                    + (format == Format.DARKNET ? "a cfg and a weights file" : "a package file"));
        }
    }

    /** A darknet model. */
    public ModelSpec(String name, String dataset, int classes, int inputSize, List<ModelFile> files) {
        this(name, dataset, classes, inputSize, Format.DARKNET, files);
    }

    public Optional<ModelFile> file(ModelFile.Role role) {
        return files.stream().filter(f -> f.role() == role).findFirst();
    }

    public ModelFile cfg() {
        return file(ModelFile.Role.CFG).orElseThrow();
    }

    public ModelFile weights() {
        return file(ModelFile.Role.WEIGHTS).orElseThrow();
    }

    /** The ONNX file name the pull produces. */
    public String onnxName() {
        return name + ".onnx";
    }
}
