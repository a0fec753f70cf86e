package io.yolostream.deploy.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.yolostream.deploy.cli.YolostreamCommand;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The live view in a real browser: {@code yolostream run} (child JVM: embedded broker, ingest of the recorded demo
 * clip looped as a live camera, the detector with a tiny random-weight model, the sinks) and Debian's headless
 * Chromium through chromedriver. The camera list links to the camera; its page shows the annotated stream (the image loads, and the frame it shows moves on)
 * and the table of recent detections fills. The screenshot is kept as {@code target/live-view.png} (with
 * {@code -Dlive-view.screenshot=docs/live-view.png}, relative to deploy/, also copied there, for the README). Needs
 * {@code apt-get install chromium chromium-driver} (in .ci/run): skipped without them locally, failed under CI=true.
 */
class LiveViewIT {
    private static final Duration WAIT = Duration.ofSeconds(120);
    /** The banner's link: the live view's address and this start's token. */
    private static final Pattern LIVE_URL = Pattern.compile(
            "live view\\s+(http://127\\.0\\.0\\.1:\\d+/)\\?token=([A-Za-z0-9_-]{43})");

    @BeforeAll
    static void browserPresent() {
        String why = "chromium/chromedriver not installed (apt-get install -y chromium chromium-driver; .ci/run does)";
        if ("true".equals(System.getenv("CI"))) {
            assertTrue(WebDriverClient.installed(), why);
        }
        Assumptions.assumeTrue(WebDriverClient.installed(), why);
    }

    @Test
    void pageShowsTheAnnotatedStreamAndFillsTheDetectionTable(@TempDir Path dir) throws Exception {
        AllInOneKit.Model model = AllInOneKit.model(dir.resolve("model"));
        Path log = dir.resolve("run.log");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-cp", System.getProperty("java.class.path"), YolostreamCommand.class.getName(),
                "run", "--data-dir", dir.resolve("data").toString(), "--port-base", "0", "--duration", "300",
                "--subscribe", String.join(",", AllInOneKit.LABELS),
                // the random model at its own 64x64 (a 4x4 grid): tens of boxes a frame, not thousands
                "--model", model.cfg().toString(), "--weights", model.weights().toString(),
                "--names", model.names().toString(), "--thresh", "0.1", "--resolution", "fixed:64"));
        Process run = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            String[] link = awaitLiveUrl(run, log);
            String base = link[0];
            String camera = "demo"; // the generated demo clip (no --camera)
            try (WebDriverClient browser = new WebDriverClient(dir.resolve("chromium-profile"),
                    dir.resolve("chromedriver.log"))) {
                // the printed link logs the browser in: its cookie takes the pages, the API and the stream from here
                browser.open(base + "?token=" + link[1]);
                await(run, log, "the camera list to link to " + camera, () -> browser.execute(
                        "const a = document.querySelector('#cameras tbody a');"
                                + "return a ? a.textContent + ' ' + a.getAttribute('href') : '';").asText()
                        .equals(camera + " /cameras/" + camera));

                browser.open(base + "cameras/" + camera);
                await(run, log, "the annotated stream to load and the table to fill", () -> {
                    JsonNode s = state(browser);
                    return s.get("width").asInt() > 0 && s.get("rows").asInt() > 0
                            && !s.get("seq").asText().equals("–");
                });
                String firstSeq = state(browser).get("seq").asText();
                await(run, log, "the annotated frame to move on from #" + firstSeq,
                        () -> !state(browser).get("seq").asText().equals(firstSeq));
                JsonNode s = state(browser);
                assertEquals(640, s.get("width").asInt(), "the annotated frame at the clip's size");
                assertTrue(s.get("firstRow").asText().matches("#\\d+ (car|dog|person) 0\\.\\d\\d .+"),
                        "a detection row: frame, label, score, path: " + s.get("firstRow").asText());
                assertTrue(s.get("counts").asInt() == AllInOneKit.LABELS.size(),
                        "one count per subscribed node: " + s);
                Thread.sleep(1500); // a few more frames and polls, so the screenshot shows a full table
                Path png = Path.of("target", "live-view.png");
                Files.createDirectories(png.getParent());
                Files.write(png, browser.screenshotPng());
                String copy = System.getProperty("live-view.screenshot");
                if (copy != null && !copy.isBlank()) {
                    Files.copy(png, Path.of(copy), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            String metrics = get(base + "metrics");
            assertTrue(metrics.contains("yolostream_sinks_annotated_total{camera=\"demo\""), metrics);
            assertTrue(metrics.contains("yolostream_sinks_viewers"), metrics);
        } finally {
            run.destroy(); // SIGTERM: the shutdown hook closes everything in order
            if (!run.waitFor(60, TimeUnit.SECONDS)) {
                run.destroyForcibly();
            }
            Files.createDirectories(Path.of("target"));
            Files.copy(log, Path.of("target", "live-view-run.log"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static JsonNode state(WebDriverClient browser) throws IOException, InterruptedException {
        return browser.execute("const img = document.getElementById('stream');"
                + "const rows = document.querySelectorAll('#detections tbody tr');"
                + "return {width: img.naturalWidth, rows: rows.length,"
                + " firstRow: rows.length ? Array.from(rows[0].cells).map(c => c.textContent).join(' ') : '',"
                + " seq: document.getElementById('frame-seq').textContent,"
                + " counts: document.querySelectorAll('#counts tbody tr').length};");
    }

    private static String get(String url) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** The live view's base URL and the token of the banner's link. */
    private static String[] awaitLiveUrl(Process run, Path log) throws Exception {
        String[] url = new String[2];
        await(run, log, "the run banner's live view URL", () -> {
            Matcher m = LIVE_URL.matcher(Files.readString(log));
            if (m.find()) {
                url[0] = m.group(1);
                url[1] = m.group(2);
            }
            return url[0] != null;
        });
        return url;
    }

    interface Check {
        boolean ok() throws Exception;
    }

    private static void await(Process run, Path log, String what, Check check) {
        System.out.printf("%tT waiting for %s%n", System.currentTimeMillis(), what);
        try {
            org.awaitility.Awaitility.await(what).atMost(WAIT).pollInterval(java.time.Duration.ofMillis(250))
                    .failFast("yolostream run exited", () -> !run.isAlive())
                    .until(check::ok);
        } catch (org.awaitility.core.ConditionTimeoutException | org.awaitility.core.TerminalFailureException e) {
            fail(e.getMessage() + (run.isAlive() ? "" : " (exit " + run.exitValue() + ")") + ":\n" + tail(log));
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
