package io.yolostream.detector.onnx;

import io.yolostream.detector.darknet.DarknetNetwork;
import io.yolostream.detector.darknet.DarknetToOnnx;
import io.yolostream.detector.darknet.DarknetWeights;
import io.yolostream.detector.darknet.Fixtures;
import io.yolostream.detector.model.ModelException;
import io.yolostream.detector.model.ModelInfo;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OnnxModelTest {
    static byte[] tinyModel() {
        DarknetNetwork net = Fixtures.network(Fixtures.TINY_YOLOV2);
        ModelInfo info = DarknetToOnnx.info(net, "tiny", List.of("cat", "dog", "bird"), null, "");
        return DarknetToOnnx.convert(net, DarknetWeights.of(Fixtures.randomWeights(net, 3, 0, 2), "w"), info, null)
                .toByteArray();
    }

    @Test
    void readsWhatOurWriterWritesAndWritesItBackByteForByte() {
        byte[] bytes = tinyModel();
        OnnxModel m = OnnxModel.read(bytes, "tiny.onnx");
        assertEquals(13L, m.opsets.get(""));
        assertEquals("images", m.inputs.get(0).name());
        assertEquals("output", m.outputs.get(0).name());
        assertEquals("tiny", m.metadata.get("yolostream.name"));
        assertEquals(7, m.nodes.stream().filter(n -> n.opType().equals("Conv")).count());
        OnnxModel.Node conv = m.nodes.get(0);
        assertEquals("Conv", conv.opType());
        assertArrayEquals(new long[]{3, 3}, conv.attribute("kernel_shape").ints());
        OnnxModel.Tensor w = m.initializers.get(conv.inputs().get(1));
        assertArrayEquals(new long[]{4, 3, 3, 3}, w.dims());
        assertEquals(4 * 3 * 3 * 3, w.floats().length);
        assertEquals(0.1f, m.nodes.get(1).attribute("alpha").f());
        assertArrayEquals(bytes, m.toByteArray(), "a read/write round trip changes nothing");
    }

    @Test
    void readsFloatDataAndUnpackedFields() {
        // a TensorProto with float_data (packed) instead of raw_data, as other exporters write small tensors
        ProtoWriter t = new ProtoWriter().int64(1, 2).int64(2, OnnxModel.FLOAT)
                .bytes(4, packedFloats(1.5f, -2f))
                .string(8, "t");
        ProtoWriter graph = new ProtoWriter().string(2, "g").message(5, t);
        ProtoWriter model = new ProtoWriter().int64(1, 8).message(7, graph)
                .message(8, new ProtoWriter().string(1, "").int64(2, 13));
        OnnxModel m = OnnxModel.read(model.toByteArray(), "other.onnx");
        assertArrayEquals(new float[]{1.5f, -2f}, m.initializers.get("t").floats());
    }

    private static byte[] packedFloats(float... v) {
        byte[] out = new byte[v.length * 4];
        for (int i = 0; i < v.length; i++) {
            int bits = Float.floatToIntBits(v[i]);
            for (int k = 0; k < 4; k++) {
                out[i * 4 + k] = (byte) (bits >>> (8 * k));
            }
        }
        return out;
    }

    @Test
    void malformedBytesNameTheFile() {
        byte[] bytes = tinyModel();
        byte[] cut = Arrays.copyOf(bytes, bytes.length / 2);
        ModelException e = assertThrows(ModelException.class, () -> OnnxModel.read(cut, "cut.onnx"));
        assertTrue(e.getMessage().startsWith("model cut.onnx: expected an ONNX protobuf file, found malformed"),
                e.getMessage());
    }
}
