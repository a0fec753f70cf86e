package io.yolostream.detector;

import io.yolostream.detector.model.ModelException;
import io.yolostream.detector.model.ModelInfo;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --names on a converted model renames its classes: one name per class, else a clear error. */
class RenamedClassesTest {
    private static final ModelInfo VOC_LIKE = new ModelInfo("yolov2-tiny-voc", new float[]{1f, 1f}, 1, 4, 3, true,
            List.of("aeroplane", "bicycle", "bird"), null, 64, 64, 32, ModelInfo.DARKNET_LETTERBOX, "");

    private static ModelSource renamed(List<String> names) {
        return ModelSource.onnx(Path.of("tiny.onnx"), new ModelSource.Overrides(null, names, null));
    }

    @Test
    void oneNamePerClassRenames() {
        ModelInfo info = YoloDetector.infoOf(VOC_LIKE.toMetadata(), 8, renamed(List.of("plane", "bike", "bird")));
        assertEquals(List.of("plane", "bike", "bird"), info.names());
    }

    @Test
    void aTreesNamesForAFlatModelSayWhatWasExpected() {
        ModelException e = assertThrows(ModelException.class, () -> YoloDetector.infoOf(VOC_LIKE.toMetadata(), 8,
                renamed(Collections.nCopies(9418, "x"))));
        assertTrue(e.getMessage().contains("names for model tiny.onnx: expected one per class of the model (3), "
                + "found 9418"), e.getMessage());
    }
}
