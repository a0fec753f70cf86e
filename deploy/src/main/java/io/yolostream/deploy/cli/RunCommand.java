package io.yolostream.deploy.cli;

import io.yolostream.deploy.run.AllInOne;
import io.yolostream.deploy.run.RunConsole;
import io.yolostream.deploy.run.RunSetup;
import io.yolostream.http.Tokens;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Everything in one process: a Kafka broker (KRaft, in-process; data kept under --data-dir so a "
                + "second run resumes), ingest, the detector (and the sinks), wired together. Prints where everything "
                + "is, the detections as they are committed, and a status line per camera.",
                "With no model it runs the pretrained face detector face-tiny (pulled on first use; offline without it, "
                        + "darknet's yolov2-tiny-voc with seeded random weights, and a banner says so); with no camera it "
                        + "plays a clip of the face model's photos (a generated clip with the fallback). With --bootstrap-servers it uses your Kafka "
                        + "cluster instead: that is how you grow past one machine (add brokers, and run more "
                        + "`yolostream detect` instances in the same group).",
                "Disk stays bounded: the frames topic keeps 60 minutes or 2048 MiB (YOLOSTREAM_INGEST_FRAMES_RETENTION_"
                        + "MINUTES / _MB), the broker's other topics a day or 256 MiB per partition. Cameras: rtsp/rtsps "
                        + "URLs or video files; http(s)/rtmp(s) cameras need YOLOSTREAM_INGEST_CAMERA_SCHEMES (see "
                        + "docs/data-safety.md)."},
        footer = {"", "Examples:",
                "  yolostream run",
                "  yolostream run --camera rtsp://user:pass@10.0.0.5/stream1 --camera parking.mp4 --model yolov2-voc",
                "  yolostream run --model yolov2-voc --subscribe animal,person      # VOC classes on the 9k WordTree",
                "  yolostream run --model yolo9000.cfg --weights yolo9000.weights --subscribe dog,animal",
                "  yolostream run --bootstrap-servers kafka1:9092 --camera rtsp://10.0.0.6/live --model yolov2.onnx"})
final class RunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--camera", paramLabel = "URL|FILE",
            description = "A camera (rtsp://...) or a video file (looped as a live camera); repeat for more.")
    List<String> cameras;

    @Mixin
    PipelineOptions pipeline;

    @Option(names = "--port-base", defaultValue = "8081", paramLabel = "PORT",
            description = "HTTP ports, all on 127.0.0.1: ingest API on PORT, detector on PORT+1, sinks and the live "
                    + "view on PORT+2 (the banner prints its link with this start's token, also written to "
                    + "DATA-DIR/run.token). Default: ${DEFAULT-VALUE}.")
    int portBase;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Broker data and demo assets (default: $YOLOSTREAM_HOME/run or ~/.cache/yolostream/run).")
    Path dataDir;

    @Option(names = "--duration", paramLabel = "SECONDS", defaultValue = "0",
            description = "Stop after this many seconds (0 = until Ctrl-C).")
    long duration;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        RunSetup setup = pipeline.setup(dataDir, cameras);
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        // Ctrl-C: let the main thread close everything in order before the JVM goes
        Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                closed.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "run-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        // a new token each start: the live view's link and the ingest API's bearer token, also in a file for scripts
        String token = Tokens.generate();
        Path tokenFile = setup.dataDir().resolve(RunConsole.TOKEN_FILE);
        Tokens.write(tokenFile, token);
        try (AllInOne all = new AllInOne(setup.dataDir(), setup.cameras(), setup.modelFlags(),
                pipeline.sinksFlags(setup), pipeline.bootstrapServers, pipeline.kafkaPort, portBase, token);
             RunConsole console = new RunConsole(all, out)) {
            console.banner(setup, token, tokenFile);
            boolean timedOut = duration > 0 ? !stop.await(duration, TimeUnit.SECONDS) : awaitForever(stop);
            out.println(timedOut ? "stopping after " + duration + " s" : "stopping (signal: Ctrl-C or SIGTERM)");
            out.flush();
        } finally {
            closed.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // already shutting down
            }
        }
        return 0;
    }

    private static boolean awaitForever(CountDownLatch stop) throws InterruptedException {
        stop.await();
        return false;
    }
}
