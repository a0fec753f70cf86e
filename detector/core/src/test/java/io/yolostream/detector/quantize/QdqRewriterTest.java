package io.yolostream.detector.quantize;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class QdqRewriterTest {
    @Test
    void weightsAreSymmetricPerOutputChannel() {
        float[] w = {0.6f, -1f, 0.25f, 0.0f, /* channel 1 */ 2f, 1.2f, -0.5f, 0.01f, /* channel 2 */ 0, 0, 0, 0};
        QdqRewriter.Weights q = QdqRewriter.Weights.of(w, 3);
        assertArrayEquals(new float[]{1f / 127, 2f / 127, 1f}, q.scales(), 1e-9f);
        assertArrayEquals(new byte[]{76, -127, 32, 0, 127, 76, -32, 1, 0, 0, 0, 0}, q.values());
    }

    @Test
    void activationsAreUint8WithZeroExactlyRepresented() {
        QdqRewriter.Activation a = QdqRewriter.Activation.of(new TensorStats.Range(-1f, 3f));
        assertEquals(4f / 255, a.scale(), 1e-7);
        assertEquals(64, a.zeroPoint());
        QdqRewriter.Activation relu = QdqRewriter.Activation.of(new TensorStats.Range(0f, 6f));
        assertEquals(0, relu.zeroPoint());
        QdqRewriter.Activation image = QdqRewriter.Activation.of(new TensorStats.Range(0f, 1f));
        assertEquals(1f / 255, image.scale(), 1e-9, "an image in 0..1 quantizes to its own 8-bit steps");
    }
}
