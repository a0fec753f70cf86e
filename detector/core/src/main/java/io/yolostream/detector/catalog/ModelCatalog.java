package io.yolostream.detector.catalog;

import io.yolostream.detector.faceapi.FaceApiPackage;
import io.yolostream.detector.model.ModelException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The models {@code yolostream models} knows, and where their files are downloaded from.
 *
 * <p>By default each file comes from where darknet's authors publish it: the weights from {@link #PJREDDIE_FILES},
 * the cfgs, names and trees from the darknet repository ({@link #DARKNET_REPOSITORY}). With a mirror base URL
 * ({@code --base-url}, {@code YOLOSTREAM_MODELS_BASE_URL}) every file is fetched from {@code BASE/<file name>}: a
 * mirror is one flat directory holding e.g. {@code yolov2.cfg}, {@code yolov2.weights}, {@code coco.names}.
 */
public final class ModelCatalog {
    /** Where darknet's authors publish the pretrained weights. */
    public static final String PJREDDIE_FILES = "https://pjreddie.com/media/files/";
    /** Where the cfgs and the data files (names, trees) are: the darknet repository, raw. */
    public static final String DARKNET_REPOSITORY = "https://raw.githubusercontent.com/pjreddie/darknet/master/";
    /** The npm registry (the face model's package). */
    public static final String NPM_REGISTRY = "https://registry.npmjs.org/";
    /** The default model of {@code yolostream run}: real weights that need no darknet download. */
    public static final String FACE_MODEL = "face-tiny";

    private final Map<String, ModelSpec> models;
    private final String weightsBase;
    private final String repositoryBase;
    private final String mirror;

    private ModelCatalog(Map<String, ModelSpec> models, String weightsBase, String repositoryBase, String mirror) {
        this.models = models;
        this.weightsBase = slash(weightsBase);
        this.repositoryBase = slash(repositoryBase);
        this.mirror = mirror == null || mirror.isBlank() ? null : slash(mirror);
    }

    /** The official models at their official locations. */
    public static ModelCatalog standard() {
        return of(standardModels(), PJREDDIE_FILES, DARKNET_REPOSITORY);
    }

    /** A catalog of the given models under the given default base URLs (tests use this with a local server). */
    public static ModelCatalog of(Collection<ModelSpec> models, String weightsBase, String repositoryBase) {
        Map<String, ModelSpec> map = new LinkedHashMap<>();
        for (ModelSpec m : models) {
            if (map.put(m.name(), m) != null) {
                throw new IllegalArgumentException("duplicate model " + m.name());
            }
        }
        return new ModelCatalog(map, weightsBase, repositoryBase, null);
    }

    /** This catalog with every file fetched from {@code base/<file name>} instead; null or blank: no change. */
    public ModelCatalog withBaseUrl(String base) {
        if (base == null || base.isBlank()) {
            return this;
        }
        return new ModelCatalog(models, weightsBase, repositoryBase, base);
    }

    public List<ModelSpec> models() {
        return List.copyOf(models.values());
    }

    public boolean contains(String name) {
        return models.containsKey(name);
    }

    public ModelSpec get(String name) {
        ModelSpec m = models.get(name);
        if (m == null) {
            throw new ModelException("model '" + name + "': unknown; expected one of " + String.join(", ",
                    models.keySet()) + " (see yolostream models list)");
        }
        return m;
    }

    /** The mirror base URL, or null when the official locations are used. */
    public String baseUrl() {
        return mirror;
    }

    /** The URL a file is downloaded from. */
    public String url(ModelFile file) {
        if (mirror != null) {
            return mirror + file.name();
        }
        return switch (file.origin()) {
            case WEIGHTS -> weightsBase + file.path();
            case REPOSITORY -> repositoryBase + file.path();
            case NPM -> NPM_REGISTRY + file.path();
        };
    }

    private static String slash(String s) {
        return s.endsWith("/") ? s : s + "/";
    }

    static List<ModelSpec> standardModels() {
        List<ModelSpec> list = new ArrayList<>();
        list.add(flat("yolov2", "COCO", 80, 608, "coco.names"));
        list.add(flat("yolov2-voc", "VOC", 20, 416, "voc.names"));
        list.add(flat("yolov2-tiny", "COCO", 80, 416, "coco.names"));
        list.add(flat("yolov2-tiny-voc", "VOC", 20, 416, "voc.names"));
        list.add(new ModelSpec("yolo9000", "ImageNet+COCO (9k WordTree)", 9418, 544, List.of(
                cfg("yolo9000"), weights("yolo9000"),
                new ModelFile(ModelFile.Role.NAMES, "9k.names", ModelFile.Origin.REPOSITORY, "data/9k.names"),
                new ModelFile(ModelFile.Role.TREE, "9k.tree", ModelFile.Origin.REPOSITORY, "data/9k.tree"))));
        list.add(new ModelSpec(FACE_MODEL, "faces (face-api " + FaceApiPackage.VERSION + ", MIT)", 1, 416,
                ModelSpec.Format.FACEAPI, List.of(new ModelFile(ModelFile.Role.PACKAGE, FaceApiPackage.TGZ_NAME,
                ModelFile.Origin.NPM, FaceApiPackage.TGZ_URL.substring(NPM_REGISTRY.length())))));
        return list;
    }

    private static ModelSpec flat(String name, String dataset, int classes, int size, String names) {
        return new ModelSpec(name, dataset, classes, size, List.of(cfg(name), weights(name),
                new ModelFile(ModelFile.Role.NAMES, names, ModelFile.Origin.REPOSITORY, "data/" + names)));
    }

    private static ModelFile cfg(String name) {
        return new ModelFile(ModelFile.Role.CFG, name + ".cfg", ModelFile.Origin.REPOSITORY, "cfg/" + name + ".cfg");
    }

    private static ModelFile weights(String name) {
        return new ModelFile(ModelFile.Role.WEIGHTS, name + ".weights", ModelFile.Origin.WEIGHTS, name + ".weights");
    }
}
