package io.yolostream.detector.conformance;

import io.yolostream.detector.opencv.ImageFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Our {@code convert} + {@code detect-image} (default stb_image decoding) against darknet outputs recorded by
 * {@code conformance/record-darknet.sh} (test resources): darknet's default build (no OpenCV: stb_image decodes the
 * JPEGs) of Debian's source package, with {@code darknet-softmax-tree.patch} for yolo9000, whose CPU tree softmax is
 * broken upstream. The weights are regenerated here from the same seed; runs everywhere, no darknet needed.
 */
class DarknetRecordedTest {
    @TempDir
    static Path dir;
    private static ConformanceInputs inputs;

    @BeforeAll
    static void setUp() throws Exception {
        inputs = ConformanceInputs.copyTo(dir);
    }

    static List<RecordedCases.Case> cases() {
        return RecordedCases.CASES;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void sameDetectionsAsRecordedDarknet(RecordedCases.Case c) throws Exception {
        List<Conformance.Box> theirs = recorded(c);
        Path onnx = inputs.model(c.model()).onnx();
        List<Conformance.Box> ours = ConformanceInputs.detect(onnx, inputs.images(), c.width(), c.height(),
                ConformanceInputs.validOptions(), ImageFiles.Decoder.STB);
        ConformanceInputs.check(Conformance.compare("darknet (recorded) vs ours, " + c.tag(), theirs, ours,
                DarknetRun.THRESH, Conformance.TOLERANCE), inputs.images());
    }

    /** The recorded lines, after checking the header names the weights this code generates. */
    private static List<Conformance.Box> recorded(RecordedCases.Case c) throws IOException {
        String expected = "# weights: " + ConformanceWeights.describe(ConformanceWeights.SEED);
        List<Conformance.Box> boxes = new ArrayList<>();
        try (InputStream in = DarknetRecordedTest.class.getResourceAsStream(c.resource())) {
            assertNotNull(in, c.resource() + " missing: run conformance/record-darknet.sh");
            String weightsLine = null;
            int n = 0;
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                n++;
                if (line.startsWith("# weights:")) {
                    weightsLine = line;
                } else if (!line.startsWith("#") && !line.isBlank()) {
                    boxes.add(Conformance.Box.parse(line, c.resource() + ":" + n));
                }
            }
            assertEquals(expected, weightsLine, c.resource() + " was recorded for other weights: run"
                    + " conformance/record-darknet.sh again");
        }
        return boxes;
    }
}
