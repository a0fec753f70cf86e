package io.yolostream.detector.darknet;

import io.yolostream.detector.model.ModelException;
import io.yolostream.detector.model.ModelInfo;
import io.yolostream.wordtree.LabelNames;
import io.yolostream.wordtree.WordTree;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where a YOLO9000 cfg's tree comes from: --tree, the file its tree= names, else the 9k.tree shipped with us. */
class DarknetConverterTreeTest {
    /** YOLO9000's head (9418 classes, darknet's tree=data/9k.tree) on a one-layer backbone: 64x64, 1 anchor. */
    static String nineK(String treeLine) {
        return """
                [net]
                width=64
                height=64
                channels=3

                [convolutional]
                batch_normalize=1
                filters=4
                size=3
                stride=32
                pad=1
                activation=leaky

                [convolutional]
                size=1
                stride=1
                pad=1
                filters=9423
                activation=linear

                [region]
                anchors = 0.77871, 1.14074
                classes=9418
                coords=4
                num=1
                softmax=1
                """ + treeLine + "\n";
    }

    private static DarknetConverter.Files files(Path dir, String cfgText, Path names, Path tree) throws Exception {
        Path cfg = Files.writeString(dir.resolve("yolo9000.cfg"), cfgText);
        Path weights = dir.resolve("yolo9000.weights");
        Files.write(weights, Fixtures.randomWeights(DarknetNetwork.of(DarknetCfg.read(cfg)), 3, 0, 2));
        return new DarknetConverter.Files(cfg, weights, names, tree);
    }

    @Test
    void darknetsTreeLineWithoutTheFileUsesTheShippedTreeAndNames(@TempDir Path dir) throws Exception {
        ModelInfo info = DarknetConverter.convert(files(dir, nineK("tree=data/9k.tree"), null, null), null).info();
        assertSame(WordTree.shipped9k(), info.tree());
        assertEquals(LabelNames.shipped9k(), info.names());
        assertEquals(9418, info.classes());
    }

    @Test
    void aTreeFileBesideTheCfgOrGivenStillWins(@TempDir Path dir) throws Exception {
        // a 9k.tree of the user's, with other names: read from the file, not the shipped copy
        WordTree shipped = WordTree.shipped9k();
        Files.createDirectories(dir.resolve("data"));
        Files.write(dir.resolve("data/9k.tree"), java.util.stream.IntStream.range(0, shipped.size())
                .mapToObj(i -> shipped.id(i) + " " + shipped.parent(i)).toList());
        Files.write(dir.resolve("data/9k.names"), java.util.stream.IntStream.range(0, shipped.size())
                .mapToObj(i -> "node " + i).toList());
        ModelInfo info = DarknetConverter.convert(files(dir, nineK("tree=data/9k.tree"), null, null), null).info();
        assertEquals("node 0", info.names().get(0), "the names beside the tree file");
        assertEquals(shipped.ids(), info.tree().ids());
    }

    @Test
    void anotherMissingTreeIsStillAnError(@TempDir Path dir) throws Exception {
        ModelException e = assertThrows(ModelException.class,
                () -> DarknetConverter.convert(files(dir, nineK("tree=data/mine.tree"), null, null), null));
        assertTrue(e.getMessage().contains("this model predicts the WordTree data/mine.tree"), e.getMessage());
    }
}
