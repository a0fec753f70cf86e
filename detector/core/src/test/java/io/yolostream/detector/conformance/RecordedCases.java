package io.yolostream.detector.conformance;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The cases whose darknet outputs are recorded (test resources {@code conformance/recorded/}) rather than produced
 * by Debian's binary in the test, and, as {@link #main}, the inputs {@code record-darknet.sh} runs darknet on.
 * <ul>
 *   <li>yolo9000: darknet's CPU tree softmax is broken upstream, so it is recorded from a build with the one fix
 *   ({@code darknet-softmax-tree.patch});</li>
 *   <li>yolov2-tiny-voc: recorded from darknet's default build (no OpenCV), which decodes JPEGs with stb_image as
 *   {@code detect-image} does by default; Debian's binary decodes them with OpenCV.</li>
 * </ul>
 */
final class RecordedCases {
    record Case(String model, int width, int height) {
        String tag() {
            return model + "-" + width + "x" + height;
        }

        String resource() {
            return "/conformance/recorded/" + tag() + ".txt";
        }

        @Override
        public String toString() {
            return tag();
        }
    }

    static final List<Case> CASES = List.of(
            new Case("yolo9000", 544, 544),
            new Case("yolo9000", 448, 320),
            new Case("yolov2-tiny-voc", 416, 416));

    private RecordedCases() {
    }

    /**
     * {@code DIR}: writes the inputs there (resources, crops, one cfg per size, seeded weights per model, darknet's
     * data files) and prints {@code weights DESCRIPTION}, then one line per case: {@code case tag data cfg weights
     * results-dir}.
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: RecordedCases DIR");
            System.exit(2);
        }
        Path dir = Path.of(args[0]).toAbsolutePath();
        ConformanceInputs inputs = ConformanceInputs.copyTo(dir);
        List<String> lines = new ArrayList<>();
        Set<String> written = new HashSet<>();
        lines.add("weights " + ConformanceWeights.describe(ConformanceWeights.SEED));
        for (Case c : CASES) {
            Path weights = dir.resolve(c.model() + ".weights");
            if (written.add(c.model())) {
                ConformanceWeights.write(inputs.file(c.model() + ".cfg"), ConformanceWeights.SEED, weights);
            }
            DarknetRun.Job job = DarknetRun.prepare(dir, c.tag(), inputs.images(), inputs.classes(c.model()));
            Path cfg = inputs.cfg(c.model(), c.width(), c.height());
            lines.add("case " + c.tag() + " " + job.data() + " " + cfg + " " + weights + " " + job.results());
        }
        lines.forEach(System.out::println);
    }
}
