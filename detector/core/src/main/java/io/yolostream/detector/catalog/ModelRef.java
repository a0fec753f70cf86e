package io.yolostream.detector.catalog;

import io.yolostream.detector.model.ModelException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * What a user means by {@code --model X}: a model file, or the name of a catalog model ({@code yolostream models
 * list}) that is pulled into the cache on first use and read from it afterwards.
 */
public final class ModelRef {
    private ModelRef() {
    }

    /**
     * The model file {@code text} refers to. An existing file wins over a catalog name of the same spelling; a name
     * that looks like a file (a directory part or a model extension) is returned as is, so a missing file is
     * reported by whoever opens it.
     *
     * @param store    opened only when {@code text} is a catalog name that must be looked up
     * @param progress download progress of a first pull
     */
    public static Path resolve(String text, Supplier<ModelStore> store, ModelStore.Progress progress) {
        if (text == null || text.isBlank()) {
            throw new ModelException("model: expected a model file or a model name, found nothing");
        }
        String t = text.strip();
        Path path = Path.of(t);
        if (Files.exists(path) || looksLikeFile(t)) {
            return path;
        }
        ModelStore s = store.get();
        if (!s.catalog().contains(t)) {
            throw new ModelException("model '" + t + "': expected a model file (.onnx, or a darknet .cfg with "
                    + "--weights) or a known model name (" + String.join(", ", names(s.catalog()))
                    + "; see yolostream models list), found neither: no such file and no such model");
        }
        return s.pull(t, progress).onnx();
    }

    /** True when {@code text} names a catalog model rather than an existing file. */
    public static boolean isCatalogName(String text, ModelCatalog catalog) {
        if (text == null || text.isBlank()) {
            return false;
        }
        String t = text.strip();
        return !Files.exists(Path.of(t)) && !looksLikeFile(t) && catalog.contains(t);
    }

    private static boolean looksLikeFile(String t) {
        String lower = t.toLowerCase(Locale.ROOT);
        return t.contains("/") || t.contains("\\") || lower.endsWith(".onnx") || lower.endsWith(".cfg");
    }

    private static Iterable<String> names(ModelCatalog catalog) {
        return catalog.models().stream().map(ModelSpec::name).toList();
    }
}
