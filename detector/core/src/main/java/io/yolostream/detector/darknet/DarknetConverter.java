package io.yolostream.detector.darknet;

import io.yolostream.detector.model.ModelException;
import io.yolostream.detector.model.ModelInfo;
import io.yolostream.detector.onnx.OnnxGraph;
import io.yolostream.wordtree.LabelNames;
import io.yolostream.wordtree.WordTree;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * File-level conversion: reads cfg, weights, names and tree, finds the tree a cfg names when none is given, and
 * produces the ONNX graph with its metadata.
 */
public final class DarknetConverter {
    private static final Logger LOG = LoggerFactory.getLogger(DarknetConverter.class);

    /** The tree file name a cfg may refer to without the file at hand: yolostream ships darknet's copy. */
    static final String SHIPPED_9K_TREE = "9k.tree";

    private DarknetConverter() {
    }

    /** @param names and tree may be null */
    public record Files(Path cfg, Path weights, Path names, Path tree) {
    }

    public record Result(OnnxGraph graph, ModelInfo info, DarknetNetwork network) {
    }

    public static Result convert(Files files, LongConsumer progress) {
        DarknetNetwork net = DarknetNetwork.of(DarknetCfg.read(files.cfg()));
        DarknetWeights weights = DarknetWeights.read(files.weights());
        weights.requireCount(net.weightCount(), files.cfg().toString());
        WordTree tree = null;
        String treeRef = net.region().treeFile();
        Path treePath = files.tree();
        boolean shipped = false;
        if (treeRef != null && treePath == null) {
            treePath = locate(files.cfg(), treeRef);
            if (treePath == null && SHIPPED_9K_TREE.equals(Path.of(treeRef).getFileName().toString())) {
                // darknet's yolo9000.cfg says tree=data/9k.tree: that file ships with yolostream
                shipped = true;
                LOG.info("using the WordTree 9k.tree shipped with yolostream ({} not found next to {})", treeRef,
                        files.cfg());
            } else if (treePath == null) {
                throw new ModelException(net.region().section().where("tree") + ": this model predicts the WordTree "
                        + treeRef + "; expected it next to the cfg or given with --tree, found neither");
            } else {
                LOG.info("using WordTree {}", treePath);
            }
        }
        if (shipped) {
            tree = WordTree.shipped9k();
        } else if (treeRef != null) {
            tree = WordTree.read(treePath);
        } else if (files.tree() != null) {
            throw new ModelException("tree " + files.tree() + ": expected a cfg whose [region] has tree=, found "
                    + files.cfg() + " without one (a flat model)");
        }
        List<String> names = null;
        Path namesPath = files.names();
        if (namesPath == null && treePath != null) {
            Path sibling = siblingNames(treePath);
            if (java.nio.file.Files.isRegularFile(sibling)) {
                namesPath = sibling;
            }
        }
        if (namesPath != null) {
            names = LabelNames.read(namesPath);
        } else if (shipped) {
            names = LabelNames.shipped9k();
        } else {
            LOG.warn("no --names given: classes are named class0..class{}",
                    net.region().classes() - 1);
        }
        String name = files.cfg().getFileName().toString().replaceFirst("\\.cfg$", "");
        ModelInfo info = DarknetToOnnx.info(net, name, names, tree, hash(files.cfg(), files.weights()));
        return new Result(DarknetToOnnx.convert(net, weights, info, progress), info, net);
    }

    /** A cfg says {@code tree=data/9k.tree}, relative to darknet's directory: try beside the cfg and one level up. */
    static Path locate(Path cfg, String ref) {
        Path dir = cfg.toAbsolutePath().getParent();
        List<Path> candidates = new ArrayList<>();
        for (Path d = dir; d != null && candidates.size() < 3; d = d.getParent()) {
            candidates.add(d.resolve(ref));
            candidates.add(d.resolve(Path.of(ref).getFileName()));
        }
        for (Path p : candidates) {
            if (java.nio.file.Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    private static Path siblingNames(Path tree) {
        String base = tree.getFileName().toString().replaceFirst("\\.tree$", "");
        return tree.resolveSibling(base + ".names");
    }

    /** sha256 of the cfg then the weights: identifies the exact model. */
    static String hash(Path cfg, Path weights) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (Path p : List.of(cfg, weights)) {
                try (InputStream in = new DigestInputStream(java.nio.file.Files.newInputStream(p), md)) {
                    while (in.read(buf) >= 0) {
                        // digest as we go
                    }
                }
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new ModelException("hashing " + cfg + " and " + weights + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
