package io.yolostream.ingest.source;

import io.yolostream.ingest.IngestException;
import org.bytedeco.javacpp.Loader;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code yolostream bench-ingest FILE [--fps 5]}: decodes a video and JPEG-encodes the sampled frames exactly as
 * ingest does ({@link VideoSource} + {@link SampledJpegEncoder}), then has the {@code ffmpeg} program that JavaCV
 * ships do the same work on the same file ({@code ffmpeg -i FILE -r N -f image2pipe -c:v mjpeg -q:v Q -}, output
 * counted and discarded), timed in the same run. Both decode every frame with ffmpeg's default threading; the
 * ratio is ingest's throughput over ffmpeg's. A third, single-threaded ingest pass measures CPU cost per frame, which
 * gives how many such cameras one core carries. Each contender runs several rounds, interleaved; medians count.
 */
public final class IngestBench {
    /**
     * One contender's pass over the file.
     *
     * @param framesDecoded frames of the file decoded (ffmpeg: the file's frame count, as ingest counted it)
     * @param framesEncoded JPEGs produced
     * @param jpegBytes     their total size
     * @param seconds       wall time, from opening the file to the last JPEG
     * @param cpuSeconds    CPU time (user + system) spent, all threads
     */
    public record Pass(String name, long framesDecoded, long framesEncoded, long jpegBytes, double seconds,
                       double cpuSeconds) {
        /** Frames of the file processed per second of wall time. */
        public double fps() {
            return seconds > 0 ? framesDecoded / seconds : 0;
        }
    }

    /**
     * @param durationSeconds the file's duration
     * @param sourceFps       the file's frame rate
     * @param ffmpegQscale    the {@code -q:v} that matches the JPEG quality (same quantizer table scale)
     * @param singleThread    ingest with one decoder thread, the basis of {@link #camerasPerCore()}; null if skipped
     */
    public record Result(Path file, int width, int height, double sourceFps, double durationSeconds,
                         double targetFps, int quality, int ffmpegQscale, Pass ingest, Pass ffmpeg,
                         Pass singleThread) {
        /** Ingest's throughput relative to the ffmpeg program (1.0 = as fast). */
        public double ratio() {
            return ffmpeg.fps() > 0 ? ingest.fps() / ffmpeg.fps() : 0;
        }

        /** Cameras like this file (its resolution and frame rate, sampled to the target fps) one core can carry. */
        public double camerasPerCore() {
            Pass basis = singleThread != null ? singleThread : ingest;
            return basis.cpuSeconds() > 0 ? durationSeconds / basis.cpuSeconds() : 0;
        }

        /** The table the command prints. */
        public String format() {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "file     %s (%dx%d, %.2f fps, %.1f s), sampled to %s fps, JPEG "
                            + "quality %d (ffmpeg -q:v %d)%n", file, width, height, sourceFps, durationSeconds,
                    targetFps == 0 ? "every" : fmt(targetFps), quality, ffmpegQscale));
            sb.append(String.format(Locale.ROOT, "%-22s %8s %8s %9s %9s %10s %9s%n", "", "decoded", "jpegs",
                    "seconds", "cpu s", "frames/s", "MB jpeg"));
            for (Pass p : singleThread == null ? List.of(ingest, ffmpeg) : List.of(ingest, ffmpeg, singleThread)) {
                sb.append(String.format(Locale.ROOT, "%-22s %8d %8d %9.2f %9.2f %10.1f %9.1f%n", p.name(),
                        p.framesDecoded(), p.framesEncoded(), p.seconds(), p.cpuSeconds(), p.fps(),
                        p.jpegBytes() / 1e6));
            }
            sb.append(String.format(Locale.ROOT, "ratio    %.2f (ingest / ffmpeg)%n", ratio()));
            sb.append(String.format(Locale.ROOT, "capacity %.1f cameras per core (%dx%d at %s fps, sampled to %s)%n",
                    camerasPerCore(), width, height, fmt(sourceFps), targetFps == 0 ? "every frame" : fmt(targetFps)
                            + " fps"));
            return sb.toString();
        }

        private static String fmt(double v) {
            return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.2f", v);
        }
    }

    private static final Pattern BENCH_LINE = Pattern.compile("bench: utime=([0-9.]+)s stime=([0-9.]+)s");

    private final Path file;
    private final double targetFps;
    private final int quality;

    public IngestBench(Path file, double targetFps, int quality) {
        if (!Files.isReadable(file)) {
            throw new IngestException("bench-ingest: expected a readable video file, found no file at "
                    + file.toAbsolutePath());
        }
        if (!(targetFps >= 0) || quality < 1 || quality > 100) {
            throw new IngestException("bench-ingest: expected fps >= 0 and quality 1..100, found fps " + targetFps
                    + ", quality " + quality);
        }
        this.file = file;
        this.targetFps = targetFps;
        this.quality = quality;
    }

    /** The ffmpeg {@code -q:v} whose quantizer tables match libjpeg's at this quality (both scale the same base). */
    public static int ffmpegQscale(int quality) {
        return (int) Math.max(2, Math.min(31, Math.round((100 - quality) / 3.5)));
    }

    /**
     * Runs {@code rounds} rounds of ingest then ffmpeg (then, if asked, single-threaded ingest), interleaved so that
     * both see the same machine load, and reports each contender's median round. Native libraries are loaded and
     * the file read into the page cache before timing.
     */
    public Result run(int rounds, boolean withSingleThread) {
        if (rounds < 1) {
            throw new IllegalArgumentException("rounds: expected >= 1, found " + rounds);
        }
        warmUp();
        VideoSource.Options defaults = VideoSource.Options.defaults();
        List<Measured> ours = new ArrayList<>();
        List<Pass> ffmpeg = new ArrayList<>();
        List<Pass> single = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            ours.add(ingestPass("ingest (javacv+opencv)", defaults));
            ffmpeg.add(ffmpegPass(ours.get(round).pass().framesDecoded()));
            if (withSingleThread) {
                single.add(ingestPass("ingest, 1 decoder thread", defaults.withDecoderThreads(1)).pass());
            }
        }
        ours.sort(Comparator.comparingDouble(m -> m.pass().seconds()));
        ffmpeg.sort(Comparator.comparingDouble(Pass::seconds));
        single.sort(Comparator.comparingDouble(Pass::seconds));
        Measured median = ours.get(rounds / 2);
        return new Result(file, median.width(), median.height(), median.sourceFps(), median.durationSeconds(),
                targetFps, quality, ffmpegQscale(quality), median.pass(), ffmpeg.get(rounds / 2),
                withSingleThread ? single.get(rounds / 2) : null);
    }

    private record Measured(Pass pass, int width, int height, double sourceFps, double durationSeconds) {
    }

    private Measured ingestPass(String name, VideoSource.Options options) {
        long cpu0 = processCpuNanos();
        long t0 = System.nanoTime();
        long decoded = 0;
        long encoded = 0;
        long bytes = 0;
        try (VideoSource source = new VideoSource(file.toString(), options);
             SampledJpegEncoder encoder = new SampledJpegEncoder(targetFps, 0, 0, quality)) {
            source.start();
            DecodedFrame frame;
            while ((frame = source.grab()) != null) {
                decoded++;
                SampledJpegEncoder.Jpeg jpeg = encoder.encodeIfSampled(frame);
                if (jpeg != null) {
                    encoded++;
                    bytes += jpeg.bytes().length;
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            double cpu = (processCpuNanos() - cpu0) / 1e9;
            double duration = source.durationMicros() > 0 ? source.durationMicros() / 1e6
                    : decoded / Math.max(1, source.frameRate());
            return new Measured(new Pass(name, decoded, encoded, bytes, seconds, cpu), source.width(),
                    source.height(), source.frameRate(), duration);
        }
    }

    private Pass ffmpegPass(long framesInFile) {
        String ffmpeg = Loader.load(org.bytedeco.ffmpeg.ffmpeg.class);
        List<String> command = new ArrayList<>(List.of(ffmpeg, "-hide_banner", "-nostdin", "-nostats", "-loglevel", "info",
                "-benchmark", "-i", file.toString(), "-an", "-sn", "-dn"));
        if (targetFps > 0) {
            command.addAll(List.of("-r", Double.toString(targetFps)));
        }
        command.addAll(List.of("-f", "image2pipe", "-c:v", "mjpeg", "-q:v", Integer.toString(ffmpegQscale(quality)),
                "-"));
        long t0 = System.nanoTime();
        try {
            Process process = new ProcessBuilder(command).start();
            CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
            long[] counted = countJpegs(process.getInputStream());
            int exit = process.waitFor();
            double seconds = (System.nanoTime() - t0) / 1e9;
            String log = stderr.join();
            if (exit != 0) {
                throw new IngestException("bench-ingest: " + String.join(" ", command) + " failed with exit code "
                        + exit + ": " + log.strip());
            }
            Matcher m = BENCH_LINE.matcher(log);
            double cpu = m.find() ? Double.parseDouble(m.group(1)) + Double.parseDouble(m.group(2)) : 0;
            return new Pass("ffmpeg " + ffmpegVersion(ffmpeg), framesInFile, counted[0], counted[1], seconds, cpu);
        } catch (IOException e) {
            throw new IngestException("bench-ingest: cannot run " + ffmpeg + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IngestException("bench-ingest: interrupted while ffmpeg ran", e);
        }
    }

    /** JPEGs in a concatenated stream: each starts with SOI (FF D8); inside entropy-coded data FF is escaped. */
    static long[] countJpegs(InputStream in) throws IOException {
        byte[] buf = new byte[1 << 16];
        long images = 0;
        long bytes = 0;
        boolean afterFf = false;
        int n;
        while ((n = in.read(buf)) > 0) {
            bytes += n;
            for (int i = 0; i < n; i++) {
                int b = buf[i] & 0xFF;
                if (afterFf && b == 0xD8) {
                    images++;
                }
                afterFf = b == 0xFF;
            }
        }
        return new long[] {images, bytes};
    }

    private static String ffmpegVersion(String ffmpeg) {
        Matcher m = Pattern.compile("ffmpeg-([0-9.]+)-").matcher(ffmpeg);
        return m.find() ? m.group(1) : "CLI";
    }

    /** Reads the file into the page cache and loads every native library, so no pass pays for either. */
    private void warmUp() {
        try (InputStream in = Files.newInputStream(file)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new IngestException("bench-ingest: cannot read " + file + ": " + e.getMessage(), e);
        }
        try (VideoSource source = new VideoSource(file.toString(), VideoSource.Options.defaults());
             SampledJpegEncoder encoder = new SampledJpegEncoder(0, 0, 0, quality)) {
            source.start();
            DecodedFrame frame = source.grab();
            if (frame == null) {
                throw new IngestException("bench-ingest: " + file + ": expected video frames, found none");
            }
            encoder.encodeIfSampled(frame);
        }
        Loader.load(org.bytedeco.ffmpeg.ffmpeg.class);
    }

    private static String readAll(InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(stderr unreadable: " + e.getMessage() + ")";
        }
    }

    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return 0;
    }
}
