package io.yolostream.detector.catalog;

import io.yolostream.detector.model.ModelException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One HTTP download into {@code <file>.part}: resumed with a Range request when a partial file is there, restarted
 * cleanly when the server ignores or refuses the range. A connection that breaks leaves the partial file for the next
 * try; an unreachable server throws {@link java.net.ConnectException} (or a connect timeout) for the caller to explain.
 */
final class ResumableDownload {
    private static final Logger LOG = LoggerFactory.getLogger(ResumableDownload.class);
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes\\s+(\\d+)-(\\d+)/(\\d+|\\*)");

    private final HttpClient http;

    ResumableDownload(HttpClient http) {
        this.http = http;
    }

    void fetch(String url, ModelFile file, Path part, ModelStore.Progress progress)
            throws IOException, InterruptedException {
        long have = Files.isRegularFile(part) ? Files.size(part) : 0;
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(10)).GET();
        if (have > 0) {
            req.header("Range", "bytes=" + have + "-");
        }
        HttpResponse<InputStream> resp = http.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
        int status = resp.statusCode();
        long total;
        boolean append;
        if (status == 206 && have > 0) {
            Matcher m = CONTENT_RANGE.matcher(resp.headers().firstValue("Content-Range").orElse(""));
            if (!m.matches() || Long.parseLong(m.group(1)) != have) {
                // a range we did not ask for: start over
                resp.body().close();
                Files.deleteIfExists(part);
                fetch(url, file, part, progress);
                return;
            }
            total = m.group(3).equals("*") ? -1 : Long.parseLong(m.group(3));
            append = true;
        } else if (status == 200) {
            // server ignored the Range (or none was sent): restart from scratch
            if (have > 0) {
                LOG.info("{}: server ignored the Range request; restarting", url);
            }
            total = resp.headers().firstValueAsLong("Content-Length").orElse(-1);
            append = false;
            have = 0;
        } else if (status == 416 && have > 0) {
            // our partial file is not a prefix the server recognises: start over
            resp.body().close();
            Files.deleteIfExists(part);
            fetch(url, file, part, progress);
            return;
        } else {
            resp.body().close();
            throw new ModelException("download of " + url + ": expected HTTP 200, found HTTP " + status
                    + "; download it yourself and put it at " + part.resolveSibling(file.name()));
        }
        StandardOpenOption[] opts = append
                ? new StandardOpenOption[] {StandardOpenOption.CREATE, StandardOpenOption.APPEND}
                : new StandardOpenOption[] {StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE};
        long done = have;
        progress.update(file, done, total);
        try (InputStream in = resp.body(); OutputStream out = Files.newOutputStream(part, opts)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) >= 0; ) {
                out.write(buf, 0, n);
                done += n;
                progress.update(file, done, total);
            }
        }
        if (total >= 0 && done != total) {
            throw new IOException("connection closed after " + done + " of " + total + " bytes");
        }
    }
}
