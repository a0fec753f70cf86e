package io.yolostream.detector.darknet;

import io.yolostream.detector.model.ModelInfo;
import io.yolostream.detector.runtime.Device;
import io.yolostream.detector.runtime.OrtRunner;
import io.yolostream.wordtree.WordTree;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.FloatBuffer;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * darknet's own cfg files (public domain, kept in the test resources beside the conformance check's): each converts
 * with random weights and runs at a non-square size.
 */
class DarknetCfgsTest {
    private static Path resource(String name) throws Exception {
        return Path.of(DarknetCfgsTest.class.getResource("/conformance/" + name).toURI());
    }

    @ParameterizedTest
    @ValueSource(strings = {"yolov2-tiny-voc", "yolov2-tiny", "yolov2-voc", "yolov2", "yolo9000"})
    void darknetCfgConvertsAndRuns(String name) throws Exception {
        Path cfg = resource(name + ".cfg");
        DarknetNetwork net = DarknetNetwork.of(DarknetCfg.read(cfg));
        byte[] weights = Fixtures.randomWeights(net, 1, 0, 2);
        WordTree tree = net.region().treeFile() == null ? null
                : WordTree.read(resource("9k.tree"));
        ModelInfo info = DarknetToOnnx.info(net, name, null, tree, "");
        assertEquals(32, info.stride());
        byte[] onnx = DarknetToOnnx.convert(net, DarknetWeights.of(weights, name + ".weights"), info, null)
                .toByteArray();
        try (OrtRunner runner = new OrtRunner(onnx, name, Device.CPU, 0)) {
            assertEquals(info.outputChannels(), runner.outputChannels());
            FloatBuffer in = OrtRunner.allocateInput(3 * 320 * 416);
            in.put(Fixtures.randomImages(1, 320, 416, 1)).flip();
            FloatBuffer out = runner.run(in, 1, 320, 416, 32);
            assertEquals(info.outputChannels() * 10 * 13, out.remaining());
            for (int i = 0; i < out.remaining(); i += 997) {
                assertTrue(Float.isFinite(out.get(i)), "finite output at " + i);
            }
        }
    }
}
