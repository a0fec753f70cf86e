package io.yolostream.deploy.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

/**
 * Debian's headless Chromium driven by its chromedriver over the W3C WebDriver HTTP protocol (a few JSON calls, no
 * Selenium). One browser session; {@link #close()} ends it and the driver.
 */
final class WebDriverClient implements AutoCloseable {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process driver;
    private final String base;
    private final HttpClient http = HttpClient.newHttpClient();
    private final String session;

    /** Whether the browser and its driver are installed (apt-get install chromium chromium-driver). */
    static boolean installed() {
        return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    }

    WebDriverClient(Path profile, Path driverLog) throws IOException, InterruptedException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        driver = new ProcessBuilder(CHROMEDRIVER.toString(), "--port=" + port)
                .redirectErrorStream(true).redirectOutput(driverLog.toFile()).start();
        base = "http://127.0.0.1:" + port;
        try {
            awaitReady();
            ObjectNode caps = JSON.createObjectNode();
            ObjectNode always = caps.putObject("capabilities").putObject("alwaysMatch");
            always.put("browserName", "chrome");
            ObjectNode chrome = always.putObject("goog:chromeOptions");
            chrome.put("binary", CHROMIUM.toString());
            // the environment's flags: without the background-networking ones Chromium keeps dialling out
            List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                            "--disable-background-networking", "--disable-component-update", "--disable-sync",
                            "--disable-dev-shm-usage", "--window-size=1280,860", "--user-data-dir=" + profile)
                    .forEach(chrome.putArray("args")::add);
            session = call("POST", "/session", caps).get("sessionId").asText();
        } catch (IOException | InterruptedException | RuntimeException e) {
            driver.destroy();
            throw e;
        }
    }

    private void awaitReady() {
        org.awaitility.Awaitility.await("chromedriver at " + base + " answering /status")
                .atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .ignoreExceptionsInstanceOf(IOException.class)
                .until(() -> call("GET", "/status", null).path("ready").asBoolean());
    }

    void open(String url) throws IOException, InterruptedException {
        ObjectNode b = JSON.createObjectNode().put("url", url);
        call("POST", "/session/" + session + "/url", b);
    }

    /** Runs {@code script} (a function body: {@code return ...}) in the page; its result as JSON. */
    JsonNode execute(String script) throws IOException, InterruptedException {
        ObjectNode b = JSON.createObjectNode().put("script", script);
        b.putArray("args");
        return call("POST", "/session/" + session + "/execute/sync", b);
    }

    byte[] screenshotPng() throws IOException, InterruptedException {
        return Base64.getDecoder().decode(call("GET", "/session/" + session + "/screenshot", null).asText());
    }

    private JsonNode call(String method, String path, JsonNode body) throws IOException, InterruptedException {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json");
        r.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        HttpResponse<String> resp = http.send(r.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = JSON.readTree(resp.body());
        if (resp.statusCode() != 200) {
            throw new IOException("WebDriver " + method + " " + path + ": expected 200, found " + resp.statusCode()
                    + ": " + json.path("value").path("message").asText(resp.body()));
        }
        return json.get("value");
    }

    @Override
    public void close() throws InterruptedException {
        try {
            call("DELETE", "/session/" + session, null);
        } catch (IOException | RuntimeException e) {
            // the driver goes anyway
        } finally {
            driver.destroy();
            driver.waitFor();
        }
    }
}
