package io.yolostream.deploy.track;

import io.yolostream.sinks.track.Box;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * MOTChallenge text files: detections ({@code frame,-1,left,top,width,height,conf,-1,-1,-1}) and tracks or ground
 * truth ({@code frame,id,left,top,width,height,conf,-1,-1,-1}). Frames count from 1; blank lines are skipped; a bad
 * line is an error naming the file, the line, what was expected and what was found.
 */
public final class MotFile {
    private MotFile() {
    }

    public static List<MotRow> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new TrackFileException("MOTChallenge file " + file + ": cannot read it: " + e.getMessage());
        }
        return parse(lines, file.toString());
    }

    public static List<MotRow> parse(List<String> lines, String source) {
        List<MotRow> out = new ArrayList<>();
        int n = 0;
        for (String raw : lines) {
            n++;
            String line = raw.strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split("\\s*,\\s*");
            if (f.length < 7) {
                throw new TrackFileException(source + ":" + n + ": expected 'frame,id,left,top,width,height,conf"
                        + "[,x,y,z]', found '" + line + "'");
            }
            try {
                int frame = (int) Double.parseDouble(f[0]);
                if (frame < 1) {
                    throw new TrackFileException(source + ":" + n + ": expected a frame number from 1, found "
                            + f[0]);
                }
                String id = f[1].strip();
                if (id.matches("-?\\d+\\.0+")) {
                    id = id.substring(0, id.indexOf('.'));
                }
                double w = Double.parseDouble(f[4]);
                double h = Double.parseDouble(f[5]);
                if (!(w > 0 && h > 0)) {
                    throw new TrackFileException(source + ":" + n + ": expected a positive width and height, found "
                            + f[4] + " x " + f[5]);
                }
                out.add(new MotRow(frame, id, new Box(Double.parseDouble(f[2]), Double.parseDouble(f[3]), w, h),
                        Double.parseDouble(f[6])));
            } catch (NumberFormatException e) {
                throw new TrackFileException(source + ":" + n + ": expected numbers in 'frame,id,left,top,width,"
                        + "height,conf', found '" + line + "'");
            }
        }
        return out;
    }

    /** Rows by frame, frames ascending. */
    public static TreeMap<Integer, List<MotRow>> byFrame(List<MotRow> rows) {
        TreeMap<Integer, List<MotRow>> m = new TreeMap<>();
        for (MotRow r : rows) {
            m.computeIfAbsent(r.frame(), k -> new ArrayList<>()).add(r);
        }
        return m;
    }

    public static String line(MotRow r) {
        Box b = r.box();
        return String.format(Locale.ROOT, "%d,%s,%.2f,%.2f,%.2f,%.2f,%.4f,-1,-1,-1", r.frame(), r.id(), b.left(),
                b.top(), b.width(), b.height(), r.conf());
    }

    public static void write(Path file, List<MotRow> rows) {
        try {
            if (file.toAbsolutePath().getParent() != null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
            }
            try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                for (MotRow r : rows) {
                    w.write(line(r));
                    w.write('\n');
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("MOTChallenge file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Frame → ids present (for summaries). */
    public static Map<Integer, Integer> countsPerFrame(List<MotRow> rows) {
        Map<Integer, Integer> m = new TreeMap<>();
        rows.forEach(r -> m.merge(r.frame(), 1, Integer::sum));
        return m;
    }
}
