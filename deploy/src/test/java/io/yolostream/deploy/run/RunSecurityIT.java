package io.yolostream.deploy.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.yolostream.deploy.cli.YolostreamCommand;
import io.yolostream.http.testkit.RawHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code yolostream run} (child JVM: embedded broker, the generated demo clip as a camera, a tiny model) probed as
 * the hostile user did, now with this start's token: the banner's live-view link and the token file (mode
 * 0600), the ingest API's token, cross-site writes (foreign Origin, text/plain), a forged Host (DNS rebinding) and
 * prefix routes, each refused while the camera stays.
 */
class RunSecurityIT {
    private static final Pattern INGEST = Pattern.compile("ingest\\s+http://127\\.0\\.0\\.1:(\\d+)/cameras");
    private static final Pattern LIVE = Pattern.compile(
            "live view\\s+http://127\\.0\\.0\\.1:(\\d+)/\\?token=([A-Za-z0-9_-]{43})\\s");
    private static final Pattern TOKEN_FILE = Pattern.compile("token\\s+(\\S+run\\.token) ");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void runPrintsItsLinkKeepsTheTokenPrivateAndRefusesCrossSiteRequests(@TempDir Path dir) throws Exception {
        AllInOneKit.Model model = AllInOneKit.model(dir.resolve("model"));
        Path data = dir.resolve("data");
        Path log = dir.resolve("run.log");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-cp", System.getProperty("java.class.path"), YolostreamCommand.class.getName(),
                "run", "--data-dir", data.toString(), "--port-base", "0", "--duration", "300",
                "--resolution", "fixed:64"));
        cmd.addAll(model.flags());
        Process run = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            await().atMost(Duration.ofSeconds(300)).pollInterval(Duration.ofMillis(250)).until(() -> {
                assertTrue(run.isAlive(), () -> "run exited: " + read(log));
                return LIVE.matcher(read(log)).find() && TOKEN_FILE.matcher(read(log)).find();
            });
            String banner = read(log);
            Matcher live = LIVE.matcher(banner);
            Matcher ingest = INGEST.matcher(banner);
            Matcher file = TOKEN_FILE.matcher(banner);
            assertTrue(live.find() && ingest.find() && file.find(), banner);
            int sinks = Integer.parseInt(live.group(1));
            String token = live.group(2);
            int api = Integer.parseInt(ingest.group(1));

            // the token file: this start's token, for its owner only
            Path tokenFile = Path.of(file.group(1));
            assertEquals(data.resolve("run.token").toAbsolutePath(), tokenFile.toAbsolutePath());
            assertEquals(token, Files.readString(tokenFile).strip());
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile)));

            // the live view: a login page without the token, the link logs in (cookie), the stream then plays
            assertEquals(401, RawHttp.get(sinks, "/").status());
            assertEquals(401, RawHttp.get(sinks, "/api/cameras").status());
            RawHttp.Answer link = RawHttp.get(sinks, "/?token=" + token);
            assertEquals(303, link.status());
            String cookie = "Cookie: " + link.header("set-cookie").split(";")[0];
            assertEquals(200, RawHttp.get(sinks, "/", cookie).status());
            await().atMost(Duration.ofSeconds(120)).until(() -> RawHttp.get(sinks, "/api/cameras", cookie).body()
                    .contains("\"demo\""));
            assertEquals(200, RawHttp.get(sinks, "/metrics").status(), "/metrics stays open");

            // the ingest API: the same token, as bearer
            String bearer = "Authorization: Bearer " + token;
            String json = "Content-Type: application/json";
            assertEquals(401, RawHttp.get(api, "/cameras").status());
            await().atMost(Duration.ofSeconds(60)).until(() -> cameraIds(api, bearer).contains("demo"));
            String body = "{\"id\":\"evil\",\"url\":\"rtsp://127.0.0.1:1/x\"}";
            // the probe: a cross-origin text/plain POST without any token
            RawHttp.Answer csrf = RawHttp.request(api, "POST", "/cameras", body, "Origin: http://evil.example",
                    "Content-Type: text/plain");
            assertEquals(403, csrf.status(), csrf.toString());
            assertEquals(403, RawHttp.request(api, "POST", "/cameras", body, bearer, json,
                    "Origin: http://evil.example").status());
            assertEquals(403, RawHttp.request(api, "POST", "/cameras", body, bearer, "Content-Type: text/plain")
                    .status());
            assertEquals(403, RawHttp.send(api, "POST /cameras HTTP/1.1\r\nHost: evil.example:" + api + "\r\n" + bearer
                    + "\r\n" + json + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body).status());
            assertEquals(404, RawHttp.request(api, "DELETE", "/camerasXdemo", "", bearer).status());
            assertEquals(404, RawHttp.get(api, "/healthX").status());
            assertEquals(405, RawHttp.request(api, "DELETE", "/health", "").status());
            assertEquals(List.of("demo"), cameraIds(api, bearer), "nothing was added or deleted");
        } finally {
            run.destroy(); // SIGTERM: the shutdown hook closes everything in order
            if (!run.waitFor(60, TimeUnit.SECONDS)) {
                run.destroyForcibly();
            }
            Files.createDirectories(Path.of("target"));
            Files.copy(log, Path.of("target", "run-security.log"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static List<String> cameraIds(int port, String bearer) throws IOException {
        RawHttp.Answer a = RawHttp.get(port, "/cameras", bearer);
        assertEquals(200, a.status(), a.toString());
        return JSON.readTree(a.body()).findValuesAsText("id");
    }

    private static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
