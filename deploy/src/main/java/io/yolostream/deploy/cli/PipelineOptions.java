package io.yolostream.deploy.cli;

import io.yolostream.deploy.run.RunSetup;
import io.yolostream.detector.catalog.ModelCatalog;
import io.yolostream.detector.catalog.ModelStore;
import io.yolostream.detector.faceapi.FaceApiPackage;
import io.yolostream.detector.model.ModelException;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The model, sinks and broker options that {@code run} and {@code replay} share. */
final class PipelineOptions {
    @Option(names = {"--model", "--cfg"}, paramLabel = "MODEL",
            description = "A model name from `yolostream models list` (pulled into the cache on first use), an ONNX "
                    + "model from `yolostream convert`, or a darknet .cfg with --weights.")
    String model;

    @Option(names = "--weights", paramLabel = "FILE", description = "Darknet weights of a .cfg model.")
    Path weights;

    @Option(names = "--names", paramLabel = "FILE",
            description = "Class names of the model (a .cfg model, or to rename an .onnx model's classes).")
    Path names;

    @Option(names = "--tree", paramLabel = "FILE",
            description = "WordTree of a YOLO9000 .cfg model (default: its tree= file, else the shipped 9k.tree). "
                    + "Not for flat models: their classes go on a tree with --map.")
    Path tree;

    @Option(names = "--thresh", paramLabel = "P",
            description = "Score threshold (default 0.24; 0.03 for the random demo model).")
    Double thresh;

    @Option(names = "--resolution", defaultValue = "adaptive", paramLabel = "POLICY",
            description = "adaptive or fixed:N. Default: ${DEFAULT-VALUE}.")
    String resolution;

    @Option(names = "--snapshot-dir", paramLabel = "DIR",
            description = "Save the best frame per camera, label and minute as JPEG + JSON under DIR (the snapshot sink).")
    Path snapshotDir;

    @Option(names = "--subscribe", paramLabel = "NODES",
            description = "WordTree nodes to route to detections.<node> topics, by name or WordNet id, e.g. "
                    + "animal,person,\"motor vehicle\" (a flat model without a map: its labels).")
    String subscribe;

    @Option(names = "--map", paramLabel = "voc|coco|FILE|auto|none",
            description = "Places a flat model's classes on the WordTree the sinks route on (--map-tree), so "
                    + "--subscribe animal works: voc, coco (built in), a 'label = node' file, none, or auto (the "
                    + "default: voc or coco when the model's class names are that dataset's, else none). A YOLO9000 "
                    + "model routes on its own tree.")
    String map;

    @Option(names = "--map-tree", paramLabel = "9k|FILE",
            description = "The WordTree --map places classes on (darknet .tree). Default: 9k, the YOLO9000 tree "
                    + "shipped with yolostream.")
    String mapTree;

    @Option(names = "--map-names", paramLabel = "FILE",
            description = "Names of the --map-tree's nodes, one per line (default: the shipped 9k.names).")
    Path mapNames;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
            description = "Use this Kafka cluster instead of the embedded broker.")
    String bootstrapServers;

    @Option(names = "--kafka-port", defaultValue = "0", paramLabel = "PORT",
            description = "Port of the embedded broker (0 = the one it used last time, else a free one).")
    int kafkaPort;

    RunSetup setup(Path dataDir, List<String> cameras) {
        Path file = model == null ? null : ModelOptions.resolve(model);
        return RunSetup.resolve(dataDir, cameras, file, weights, names, tree, thresh, resolution,
                model == null ? defaultModel() : null);
    }

    /** face-tiny, pulled on first use; its absence (offline, no npm) is not fatal: run falls back to the demo model. */
    private static RunSetup.DefaultModel defaultModel() {
        try (DownloadBars bars = new DownloadBars(System.err)) {
            ModelStore.Pulled pulled = ModelStore.fromEnvironment().pull(ModelCatalog.FACE_MODEL, bars);
            return RunSetup.DefaultModel.of(pulled.onnx(), FaceApiPackage.fetch(pulled.dir()).samples());
        } catch (ModelException e) {
            return RunSetup.DefaultModel.unavailable(e.getMessage());
        }
    }

    Map<String, String> sinksFlags(RunSetup setup) {
        Map<String, String> flags = setup.sinksFlags(subscribe, map, mapTree,
                mapNames == null ? null : mapNames.toString());
        if (snapshotDir != null) {
            flags.put("snapshot-dir", snapshotDir.toAbsolutePath().toString());
        }
        return flags;
    }
}
