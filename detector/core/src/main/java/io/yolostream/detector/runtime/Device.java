package io.yolostream.detector.runtime;

import io.yolostream.detector.model.ModelException;

import java.util.Locale;

/** Where inference runs: {@code auto} (CUDA when it works, else CPU), {@code cpu}, or {@code cuda[:N]}. */
public record Device(Kind kind, int cudaDevice) {
    public enum Kind { AUTO, CPU, CUDA }

    public static final Device AUTO = new Device(Kind.AUTO, 0);
    public static final Device CPU = new Device(Kind.CPU, 0);

    public static Device parse(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (t.equals("auto")) {
            return AUTO;
        }
        if (t.equals("cpu")) {
            return CPU;
        }
        if (t.equals("cuda")) {
            return new Device(Kind.CUDA, 0);
        }
        if (t.startsWith("cuda:")) {
            try {
                int id = Integer.parseInt(t.substring(5));
                if (id >= 0) {
                    return new Device(Kind.CUDA, id);
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
        }
        throw new ModelException("device: expected auto, cpu, cuda or cuda:N (N >= 0), found '" + text + "'");
    }

    @Override
    public String toString() {
        return kind == Kind.CUDA ? "cuda:" + cudaDevice : kind.name().toLowerCase(Locale.ROOT);
    }
}
