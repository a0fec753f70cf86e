package io.yolostream.sinks.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.yolostream.ingest.avro.FrameCodec;
import io.yolostream.sinks.avro.TrackEvent;
import io.yolostream.sinks.avro.TrackFrame;
import io.yolostream.sinks.common.SinksSerdes;
import io.yolostream.sinks.config.SinksConfig;
import io.yolostream.sinks.service.ServiceFixture;
import io.yolostream.sinks.service.SinksService;
import io.yolostream.sinks.testing.Fixtures;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Frames and their detections to track events on the embedded broker, through the sinks service: a zone from the
 * configuration file and one through the HTTP API (the sinks' token, same-origin writes of JSON), events and tracks
 * topics, the overlay of the
 * annotated frames, zone counts at /counts, a restart that keeps the track ids, and the idle end.
 */
class TrackingIT {
    private static final String TOKEN = "zones-s3cret-0123456789";

    @TempDir
    Path dir;

    private static List<String> events(ServiceFixture f, int atLeast) {
        return f.kafka.readAtLeast(f.prefix + ".events", atLeast).stream()
                .map(r -> SinksSerdes.trackEvent().deserializer().deserialize("t", r.value()))
                .map(e -> e.getTrackId() + " " + e.getKind() + (e.getZone() == null ? "" : " " + e.getZone())
                        + (e.getDirection() == null ? "" : " " + e.getDirection())
                        + (e.getReason() == null ? "" : " " + e.getReason())).toList();
    }

    /** A call with the token; a body is JSON. */
    private static HttpResponse<String> api(int port, String method, String path, String body, String... more) {
        List<String> h = new ArrayList<>(List.of("Authorization", "Bearer " + TOKEN));
        if (body != null) {
            h.addAll(List.of("Content-Type", "application/json"));
        }
        h.addAll(List.of(more));
        return ServiceFixture.send(port, method, path, body, h.toArray(String[]::new));
    }

    /** A frame and its detection: one object walking east along y = 300 (anchor y 350), at x. */
    private static List<ProducerRecord<String, byte[]>> frame(ServiceFixture f, long seq, long time, double x) {
        var det = Fixtures.detection("cam1", seq, time, List.of(TrackingTopologyTest.at(x, 300, 3, 0.9f)));
        return List.of(new ProducerRecord<>(f.detections + ".frames", null, time, "cam1",
                        FrameCodec.encode(Fixtures.frame("cam1", seq, time))), f.record(det));
    }

    @Test
    void framesToEventsWithZonesFromTheConfigAndTheApiAcrossARestart() throws Exception {
        ServiceFixture f = new ServiceFixture("tracking-it", 2);
        Path zones = Files.writeString(dir.resolve("zones.json"), "[{\"camera\":\"cam1\",\"id\":\"gate\","
                + "\"kind\":\"line\",\"points\":[[300,100],[300,500]],\"name\":\"Gate\"}]");
        SinksConfig c = f.config("zones", zones.toString(), "viewer-token", TOKEN, "annotate-cameras", "*",
                "track-idle-end", "10m", "window", "1m", "grace", "0");
        long t0 = System.currentTimeMillis() - 60_000;
        long seq = 0;
        try (SinksService s = new SinksService(c)) {
            assertTrue(s.awaitRunning(Duration.ofSeconds(60)), "state " + s.state());
            int port = s.httpPort();
            String yard = "{\"kind\":\"zone\",\"points\":[[0.625,0.4],[0.95,0.4],[0.95,0.85],[0.625,0.85]],"
                    + "\"coordinates\":\"normalized\",\"dwellLimit\":\"1s\"}";
            HttpResponse<String> noToken = ServiceFixture.send(port, "PUT", "/api/zones/cam1/yard", yard,
                    "Content-Type", "application/json");
            assertEquals(401, noToken.statusCode(), noToken.body());
            assertEquals(401, ServiceFixture.get(port, "/api/zones").statusCode(), "reads need the token too");
            HttpResponse<String> foreign = api(port, "PUT", "/api/zones/cam1/yard", yard,
                    "Origin", "http://evil.example");
            assertEquals(403, foreign.statusCode(), foreign.body());
            HttpResponse<String> form = ServiceFixture.send(port, "PUT", "/api/zones/cam1/yard", yard,
                    "Authorization", "Bearer " + TOKEN, "Content-Type", "text/plain");
            assertEquals(403, form.statusCode(), form.body());
            HttpResponse<String> bad = api(port, "PUT", "/api/zones/cam1/yard", "{\"kind\":\"zone\"}");
            assertEquals(400, bad.statusCode());
            assertTrue(bad.body().contains("points: expected an array"), bad.body());
            HttpResponse<String> twice = api(port, "PUT", "/api/zones/cam1/yard",
                    "{\"kind\":\"zone\",\"kind\":\"line\"}");
            assertEquals(400, twice.statusCode(), twice.body());
            // a browser on the live view's own page sends its own origin: accepted
            HttpResponse<String> put = api(port, "PUT", "/api/zones/cam1/yard", yard,
                    "Origin", "http://127.0.0.1:" + port);
            assertEquals(201, put.statusCode(), put.body());
            await().atMost(Duration.ofSeconds(30)).until(() -> api(port, "GET", "/api/zones/cam1", null).body(),
                    b -> b.contains("\"yard\"") && b.contains("\"gate\""));
            assertEquals(405, api(port, "POST", "/api/zones/cam1", "{}").statusCode());

            // frames and their detections, one transaction each way the detector writes them
            List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
            for (double x = 150; x <= 500; x += 25, seq++) {
                records.addAll(frame(f, seq, t0 + seq * 200, x));
            }
            f.writeTransactionally(records);
            assertEquals(List.of("cam1/1 STARTED", "cam1/1 CROSSED gate backward", "cam1/1 ENTERED yard"),
                    events(f, 3));
            List<TrackFrame> tracks = f.kafka.readAtLeast(f.prefix + ".tracks", (int) seq).stream()
                    .map(r -> SinksSerdes.trackFrame().deserializer().deserialize("t", r.value())).toList();
            assertEquals(seq, tracks.size(), "one tracks record per detection record");
            assertEquals("cam1/1", tracks.get(tracks.size() - 1).getTracks().get(0).getTrackId());
            JsonNode json = new ObjectMapper().readTree(f.kafka.readAtLeast(f.prefix + ".events.json", 3).get(1)
                    .value());
            assertEquals("CROSSED", json.get("kind").asText());
            assertEquals("dog", json.get("label").asText());

            // the live view drew the track and the zones on the annotated frames, and lists the events
            f.kafka.readAtLeast(f.prefix + ".annotated", (int) seq);
            long lastSeq = seq - 1;
            await().atMost(Duration.ofSeconds(30)).until(() -> s.liveView().overlay("cam1", lastSeq).tracks().size(),
                    n -> n == 1);
            assertEquals(2, s.liveView().overlay("cam1", lastSeq).shapes().size());
            JsonNode cam = new ObjectMapper().readTree(api(port, "GET", "/api/cameras/cam1", null).body());
            assertEquals("ENTERED", cam.at("/events/0/kind").asText());
            JsonNode counts = new ObjectMapper().readTree(api(port, "GET", "/counts?camera=cam1", null).body());
            Set<String> zoneCounts = new java.util.TreeSet<>();
            counts.at("/cameras/0/zones").forEach(z -> zoneCounts.add(z.get("zone").asText() + " "
                    + z.get("tracks").asLong()));
            assertEquals(Set.of("gate 1", "yard 1"), zoneCounts, counts.toString());
        }

        // a restart (same application id and state; now ending tracks of cameras idle for 3 s): the same track
        // goes on, nothing starts twice
        SinksConfig restarted = f.config("zones", zones.toString(), "viewer-token", TOKEN, "annotate-cameras", "*",
                "track-idle-end", "3s", "window", "1m", "grace", "0",
                "application-id", c.get(SinksConfig.APPLICATION_ID), "state-dir", c.get(SinksConfig.STATE_DIR));
        try (SinksService s = new SinksService(restarted)) {
            assertTrue(s.awaitRunning(Duration.ofSeconds(60)), "state " + s.state());
            List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
            for (double x = 525; x <= 700; x += 25, seq++) {
                records.addAll(frame(f, seq, t0 + seq * 200, x));
            }
            f.writeTransactionally(records);
            List<String> all = events(f, 5);
            assertEquals("cam1/1 LEFT yard", all.get(all.size() - 1).replace(" DWELL yard", ""), all.toString());
            assertEquals(1, all.stream().filter(e -> e.endsWith("STARTED")).count(), all.toString());
            assertTrue(all.contains("cam1/1 DWELL yard"), all.toString());
            // no frames for 3 s: the camera is idle, its track ends
            List<String> ended = events(f, all.size() + 1);
            assertEquals("cam1/1 ENDED idle", ended.get(ended.size() - 1));

            HttpResponse<String> del = api(s.httpPort(), "DELETE", "/api/zones/cam1/yard", null);
            assertEquals(204, del.statusCode(), del.body());
            await().atMost(Duration.ofSeconds(30)).until(() -> api(s.httpPort(), "GET", "/api/zones", null).body(),
                    b -> !b.contains("\"yard\"") && b.contains("\"gate\""));
            assertEquals(404, api(s.httpPort(), "DELETE", "/api/zones/cam1/yard", null).statusCode());
        }
        // closed with the service: a zones producer left open would keep reconnecting to a broker that is gone
        List<String> zoneProducers = Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(n -> n.contains("yolostream-sinks-zones")).toList();
        assertEquals(List.of(), zoneProducers, "threads of the zones producer after close");
        List<TrackEvent> all = f.kafka.readAll(f.prefix + ".events").stream()
                .map(r -> SinksSerdes.trackEvent().deserializer().deserialize("t", r.value())).toList();
        assertFalse(all.stream().map(TrackEvent::getTrackId).collect(Collectors.toSet()).contains("cam1/2"),
                "one object, one id, across the restart");
    }
}
