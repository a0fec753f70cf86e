package io.yolostream.deploy.cli;

import io.yolostream.deploy.track.MotFile;
import io.yolostream.deploy.track.MotMetrics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "track-eval", mixinStandardHelpOptions = true,
        description = {"Scores tracks against ground truth, both MOTChallenge files "
                + "('frame,id,left,top,width,height,...'), boxes matching at IoU >= --iou: CLEAR MOT (MOTA, ID "
                + "switches, false positives and negatives, MOTP) and the identity scores (IDF1, IDP, IDR)."},
        footer = {"", "Examples:",
                "  yolostream track --format motchallenge --fps 5 --in det.txt --out tracks.txt",
                "  yolostream track-eval --gt gt.txt --tracks tracks.txt"})
final class TrackEvalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--gt", required = true, paramLabel = "FILE", description = "Ground truth.")
    Path gt;

    @Option(names = "--tracks", required = true, paramLabel = "FILE", description = "The tracks to score.")
    Path tracks;

    @Option(names = "--iou", defaultValue = "0.5", paramLabel = "IOU",
            description = "IoU of a match. Default: ${DEFAULT-VALUE}.")
    double iou;

    @Override
    public Integer call() {
        if (!(iou > 0 && iou <= 1)) {
            throw new io.yolostream.deploy.track.TrackFileException("--iou: expected a value in (0, 1], found " + iou);
        }
        MotMetrics.Scores s = MotMetrics.evaluate(MotFile.read(gt), MotFile.read(tracks), iou);
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "%s against %s (IoU >= %.2f)%n", tracks, gt, iou);
        out.printf(Locale.ROOT, "  MOTA       %.3f   (1 - (FN + FP + IDSW) / GT)%n", s.mota());
        out.printf(Locale.ROOT, "  IDF1       %.3f   (IDP %.3f, IDR %.3f)%n", s.idf1(), s.idp(), s.idr());
        out.printf(Locale.ROOT, "  ID sw.     %d%n", s.idsw());
        out.printf(Locale.ROOT, "  FP / FN    %d / %d%n", s.fp(), s.fn());
        out.printf(Locale.ROOT, "  MOTP       %.3f   (mean IoU of matches)%n", s.motp());
        out.printf(Locale.ROOT, "  boxes      GT %d, tracks %d, matched %d%n", s.gt(), s.hyp(), s.matches());
        out.printf(Locale.ROOT, "  ids        GT %d, tracks %d%n", s.gtIds(), s.hypIds());
        out.flush();
        return 0;
    }
}
