package io.yolostream.detector.preprocess;

import io.yolostream.detector.model.ModelException;
import io.yolostream.detector.model.ModelInfo;
import io.yolostream.detector.opencv.OpenCvLetterbox;
import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelPreprocessingTest {
    static ModelInfo model(String preprocess) {
        return new ModelInfo("m", new float[]{1, 1}, 1, 4, 1, true, List.of("face"), null, 416, 416, 32, preprocess,
                "");
    }

    @Test
    void darknetModelsKeepTheUsersChoice() {
        Preprocessor cv = new OpenCvLetterbox();
        assertSame(cv, ModelPreprocessing.forModel(model(ModelInfo.DARKNET_LETTERBOX), cv));
        assertThrows(ModelException.class,
                () -> ModelPreprocessing.forModel(model(ModelInfo.DARKNET_LETTERBOX), new FaceApiLetterbox()));
    }

    @Test
    void faceApiModelsGetTheirOwnExactPathOrARefusal() {
        assertInstanceOf(FaceApiLetterbox.class,
                ModelPreprocessing.forModel(model(ModelInfo.FACEAPI_PAD), new DarknetLetterbox()));
        ModelException e = assertThrows(ModelException.class,
                () -> ModelPreprocessing.forModel(model(ModelInfo.FACEAPI_PAD), new OpenCvLetterbox()));
        assertTrue(e.getMessage().contains("found opencv"), e.getMessage());
        ModelException unknown = assertThrows(ModelException.class,
                () -> ModelPreprocessing.forModel(model("other-pad"), new DarknetLetterbox()));
        assertTrue(unknown.getMessage().contains("found 'other-pad'"), unknown.getMessage());
    }

    /** A 4x2 image in an 8x8 input: scaled x2 at the top-left, zero padding below, all as (v - mean)/255. */
    @Test
    void padsBottomRightWithZerosBeforeTheMeanIsSubtracted() {
        byte[] px = new byte[4 * 2 * 3];
        java.util.Arrays.fill(px, (byte) 200);
        FloatBuffer dst = FloatBuffer.allocate(3 * 8 * 8);
        new FaceApiLetterbox().letterbox(new RgbImage(4, 2, px), 8, 8, dst, 0);
        float[] mean = FaceApiLetterbox.MEAN_RGB;
        for (int c = 0; c < 3; c++) {
            assertEquals((200 - mean[c]) / 255f, dst.get(c * 64), 1e-6, "top-left pixel, channel " + c);
            assertEquals((200 - mean[c]) / 255f, dst.get(c * 64 + 2 * 8 + 7), 1e-6, "last image row, channel " + c);
            assertEquals(-mean[c] / 255f, dst.get(c * 64 + 5 * 8), 1e-6, "padding row, channel " + c);
        }
        // Row 4 (source row 2.0 = the first padding row of the 4x4 square) is padding; row 3 blends image and zeros.
        assertEquals((100 - mean[0]) / 255f, dst.get(3 * 8), 1e-6);
        assertEquals(new FaceApiLetterbox.Geometry(8, 4), FaceApiLetterbox.geometry(4, 2, 8, 8));
    }
}
