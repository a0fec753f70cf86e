package io.yolostream.deploy.run;

import io.yolostream.config.ConfigException;
import io.yolostream.detector.darknet.DarknetCfg;
import io.yolostream.detector.darknet.DarknetNetwork;
import io.yolostream.ingest.IngestException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code yolostream run} will run: the data directory, the cameras (or the demo clip) and the detector's model
 * flags (or the demo model), resolved from the command line.
 *
 * @param demoModel true when the model is the random-weight demo: the console says so loudly
 * @param modelNote  a line for the console about the default model (why it is what it is), or null
 */
public record RunSetup(Path dataDir, Map<String, String> cameras, Map<String, String> modelFlags, boolean demoModel,
                       boolean demoVideo, String modelNote) {

    /**
     * The model used when none is given: the pretrained face detector (its ONNX and the package's photos, made
     * into the demo clip) when it could be pulled, else the reason it could not.
     */
    public record DefaultModel(Path onnx, List<Path> photos, String unavailable) {
        public static DefaultModel of(Path onnx, List<Path> photos) {
            return new DefaultModel(onnx, List.copyOf(photos), null);
        }

        public static DefaultModel unavailable(String why) {
            return new DefaultModel(null, List.of(), why);
        }
    }

    /** Default data directory: {@code $YOLOSTREAM_HOME/run}, else {@code ~/.cache/yolostream/run}. */
    public static Path defaultDataDir() {
        String home = System.getenv("YOLOSTREAM_HOME");
        Path base = home != null && !home.isBlank() ? Path.of(home)
                : Path.of(System.getProperty("user.home"), ".cache", "yolostream");
        return base.resolve("run");
    }

    public static RunSetup resolve(Path dataDir, List<String> cameraUrls, Path model, Path weights, Path names,
                                   Path tree, Double thresh, String resolution) {
        return resolve(dataDir, cameraUrls, model, weights, names, tree, thresh, resolution, null);
    }

    /** @param byDefault the default model when {@code model} is null (null: the random-weight demo) */
    public static RunSetup resolve(Path dataDir, List<String> cameraUrls, Path model, Path weights, Path names,
                                   Path tree, Double thresh, String resolution, DefaultModel byDefault) {
        Path dir = dataDir != null ? dataDir : defaultDataDir();
        Map<String, String> cameras = new LinkedHashMap<>();
        boolean demoVideo = cameraUrls == null || cameraUrls.isEmpty();
        boolean face = model == null && byDefault != null && byDefault.onnx() != null;
        if (demoVideo) {
            cameras.put("demo", (face ? DemoAssets.faceVideo(dir.resolve("demo"), byDefault.photos())
                    : DemoAssets.video(dir.resolve("demo"))).toString());
        } else {
            for (String url : cameraUrls) {
                cameras.put(cameraId(url, cameras), url);
            }
        }
        Map<String, String> flags = new LinkedHashMap<>();
        boolean demoModel = model == null && !face;
        String note = null;
        if (face) {
            flags.put("model", byDefault.onnx().toString());
            // face-api's own defaults for this detector
            flags.put("thresh", Double.toString(thresh != null ? thresh : 0.5));
            flags.put("nms", "0.4");
            note = "model face-tiny (face-api's pretrained tiny face detector, the default; --model NAME|FILE for another)";
        } else if (demoModel) {
            if (byDefault != null && byDefault.unavailable() != null) {
                note = "the default face model is unavailable (" + byDefault.unavailable() + ")";
            }
            DemoAssets.Model m = DemoAssets.model(dir.resolve("demo"));
            flags.put("model", m.cfg().toString());
            flags.put("weights", m.weights().toString());
            flags.put("names", m.names().toString());
            // random weights put every class near 1/20: a low threshold shows the pipeline at work
            flags.put("thresh", Double.toString(thresh != null ? thresh : 0.03));
        } else {
            if (!Files.isRegularFile(model)) {
                throw new IngestException("--model " + model + ": expected a model file, found none");
            }
            if (tree != null) {
                checkModelTree(model, tree);
            }
            flags.put("model", model.toString());
            if (weights != null) {
                flags.put("weights", weights.toString());
            }
            if (names != null) {
                flags.put("names", names.toString());
            }
            if (tree != null) {
                flags.put("tree", tree.toString());
            }
            if (thresh != null) {
                flags.put("thresh", Double.toString(thresh));
            }
        }
        flags.put("resolution", resolution);
        return new RunSetup(dir, cameras, flags, demoModel, demoVideo, note);
    }

    /**
     * {@code --tree} is a YOLO9000 model's own tree, for its cfg. Given for a flat model it is the issue-18 mix-up
     * (the tree to route a flat model's classes on is the sinks' map-tree): say so before the model is opened.
     */
    static void checkModelTree(Path model, Path tree) {
        String routing = "; the sinks place a flat model's classes on the shipped YOLO9000 9k tree with --map "
                + "voc|coco|FILE (auto for VOC and COCO models), on another tree with --map-tree FILE --map-names FILE";
        if (!model.toString().endsWith(".cfg")) {
            throw new ConfigException("--tree " + tree + ": expected a YOLO9000 darknet .cfg model (--tree is its "
                    + "WordTree), found the ONNX model " + model + ", which carries its own tree when it has one"
                    + routing);
        }
        if (DarknetNetwork.of(DarknetCfg.read(model)).region().treeFile() == null) {
            throw new ConfigException("--tree " + tree + ": expected a YOLO9000 model (a cfg whose [region] has "
                    + "tree=), found " + model + ", a flat model: --tree and --names are the model's own" + routing);
        }
    }

    /** The sinks' flags: subscriptions and the map (the routing tree follows from the model, see AllInOne). */
    public Map<String, String> sinksFlags(String subscribe, String map) {
        return sinksFlags(subscribe, map, null, null);
    }

    /**
     * @param map      voc, coco, FILE, none or auto (null: auto)
     * @param mapTree  the tree the map places classes on (null: the shipped 9k tree)
     * @param mapNames the names of {@code mapTree}'s nodes
     */
    public Map<String, String> sinksFlags(String subscribe, String map, String mapTree, String mapNames) {
        Map<String, String> f = new LinkedHashMap<>();
        if (subscribe != null && !subscribe.isBlank()) {
            f.put("subscribe", subscribe);
        } else if (!demoModel && modelNote != null) {
            // the default face model: count its one class, so the live view's counts fill
            f.put("subscribe", "face");
        }
        if (map != null) {
            f.put("map", map);
        }
        if (mapTree != null) {
            f.put("map-tree", mapTree);
        }
        if (mapNames != null) {
            f.put("map-names", mapNames);
        }
        return f;
    }

    /** "cam1", "cam2", ... for URLs; the file's base name for files; unique. */
    static String cameraId(String url, Map<String, String> taken) {
        String base;
        if (url.contains("://")) {
            base = "cam" + (taken.size() + 1);
        } else {
            String name = Path.of(url).getFileName().toString().replaceFirst("\\.[^.]+$", "");
            base = name.replaceAll("[^A-Za-z0-9._-]", "_");
            if (base.isEmpty()) {
                base = "cam" + (taken.size() + 1);
            }
        }
        base = base.length() > 60 ? base.substring(0, 60) : base;
        String id = base;
        for (int i = 2; taken.containsKey(id); i++) {
            id = base + "-" + i;
        }
        return id;
    }
}
