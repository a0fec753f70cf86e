package io.yolostream.detector.models;

import java.util.List;
import java.util.Optional;

/** A known model: its name, what it detects, its input size and its files. */
public record ModelSpec(String name, String dataset, int classes, int inputSize, List<ModelFile> files) {

    public ModelSpec {
        files = List.copyOf(files);
        if (files.stream().noneMatch(f -> f.role() == ModelFile.Role.CFG)
                || files.stream().noneMatch(f -> f.role() == ModelFile.Role.WEIGHTS)) {
            throw new IllegalArgumentException("model " + name + ": needs a cfg and a weights file");
        }
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
