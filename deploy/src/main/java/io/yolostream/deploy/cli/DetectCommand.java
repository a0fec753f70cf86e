package io.yolostream.deploy.cli;

import io.yolostream.detector.service.DetectConfig;
import io.yolostream.detector.service.DetectService;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "detect", mixinStandardHelpOptions = true,
        description = {"Run YOLOv2 on the frames topic and write one detection record per frame, exactly once.",
                "Frames of all cameras are batched together (up to --max-batch or --max-wait-ms), each batch runs "
                        + "at the input size its resolution policy picks, and every batch's records are written in "
                        + "the Kafka transaction that commits the frames' offsets. Start more instances with the same "
                        + "--group-id to share the frames topic's partitions.",
                "Configuration precedence: defaults < --config file < YOLOSTREAM_DETECT_* environment < flags."},
        footer = {"", "Examples:",
                "  yolostream detect --model yolov2-voc.onnx --bootstrap-servers localhost:9092",
                "  yolostream detect --model yolov2-tiny-voc.onnx --resolution fixed:416 --max-batch 4",
                "  yolostream detect --model yolo9000.cfg --weights yolo9000.weights --resolution adaptive"})
final class DetectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "Properties file with settings.")
    Path config;

    ConfigFlags flags;

    static CommandLine commandLine() {
        DetectCommand cmd = new DetectCommand();
        CommandLine cl = new CommandLine(cmd);
        cmd.flags = new ConfigFlags(cl.getCommandSpec(), DetectConfig.SCHEMA);
        return cl;
    }

    @Override
    public Integer call() throws Exception {
        DetectConfig cfg = DetectConfig.resolve(ConfigFlags.readFile(config), System.getenv(), flags.given());
        PrintWriter out = spec.commandLine().getOut();
        try (DetectService service = new DetectService(cfg)) {
            Thread hook = new Thread(service::close, "detect-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            out.printf(Locale.ROOT, "detect: model %s, %s -> %s on %s%n", service.modelId(),
                    cfg.get(DetectConfig.FRAMES_TOPIC), cfg.get(DetectConfig.DETECTIONS_TOPIC),
                    cfg.get(DetectConfig.BOOTSTRAP_SERVERS));
            out.printf(Locale.ROOT, "  metrics  http://localhost:%d/metrics%n", service.httpPort());
            out.printf(Locale.ROOT, "  health   http://localhost:%d/health%n", service.httpPort());
            out.flush();
            service.awaitTermination();
        }
        return 0;
    }
}
