package io.yolostream.sinks.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.yolostream.ingest.avro.Frame;
import io.yolostream.ingest.avro.FrameCodec;
import io.yolostream.sinks.service.ServiceFixture;
import io.yolostream.sinks.service.SinksService;
import io.yolostream.sinks.testing.Fixtures;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The live view's HTTP side on a real broker: a camera whose id needs escaping is listed, watched through its API,
 * its frames and detections paired, annotated into the annotated topic, and its latest frame served as JPEG.
 */
class LiveViewServiceIT {
    private static final String CAMERA = "gate/1 <b>&\"";

    @Test
    void aWatchedCameraIsAnnotatedAndServed() throws Exception {
        ServiceFixture f = new ServiceFixture("live-it", 2);
        try (SinksService s = new SinksService(f.config())) {
            assertTrue(s.awaitRunning(Duration.ofSeconds(60)), "state " + s.state());
            String frames = f.detections + ".frames";
            String path = "/api/cameras/" + URLEncoder.encode(CAMERA, StandardCharsets.UTF_8).replace("+", "%20");
            long t0 = System.currentTimeMillis();
            f.writeTransactionally(List.of(f.record(Fixtures.detection(CAMERA, 1, t0, List.of(
                    Fixtures.flatObject("dog", 11, 0.8f))))));
            awaitTrue(() -> ServiceFixture.get(s.httpPort(), "/api/cameras").body().contains("\"gate/1 <b>&"),
                    "the camera listed");
            JsonNode list = new ObjectMapper().readTree(ServiceFixture.get(s.httpPort(), "/api/cameras").body());
            assertEquals(CAMERA, list.at("/cameras/0/id").asText());
            assertFalse(list.at("/cameras/0/annotated").asBoolean(), "not watched yet");

            HttpResponse<String> cam = ServiceFixture.get(s.httpPort(), path); // looking at it watches it
            assertEquals(200, cam.statusCode(), cam.body());
            assertTrue(new ObjectMapper().readTree(cam.body()).get("annotated").asBoolean());

            List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
            for (long seq = 2; seq <= 4; seq++) {
                Frame fr = Fixtures.frame(CAMERA, seq, t0 + seq * 40);
                records.add(new ProducerRecord<>(frames, null, t0 + seq * 40, CAMERA, FrameCodec.encode(fr)));
                records.add(f.record(Fixtures.detection(CAMERA, seq, t0 + seq * 40, List.of(
                        Fixtures.flatObject("dog", 11, 0.8f)))));
            }
            f.writeTransactionally(records);
            List<ConsumerRecord<String, byte[]>> annotated = f.kafka.readAtLeast(f.prefix + ".annotated", 3);
            assertEquals(List.of(2L, 3L, 4L), annotated.stream().map(r -> FrameCodec.decodeFrame(r.value())
                    .getSequence()).toList());
            assertEquals(CAMERA, annotated.get(0).key());

            HttpResponse<byte[]> jpeg = ServiceFixture.getBytes(s.httpPort(), path.replace("/api", "")
                    + "/frame.jpg");
            assertEquals(200, jpeg.statusCode());
            assertEquals("image/jpeg", jpeg.headers().firstValue("Content-Type").orElse(""));
            assertEquals((byte) 0xFF, jpeg.body()[0]);
            JsonNode after = new ObjectMapper().readTree(ServiceFixture.get(s.httpPort(), path).body());
            assertEquals(4, after.get("frameSequence").asLong());
            assertEquals("dog", after.at("/recent/0/label").asText());

            HttpResponse<String> page = ServiceFixture.get(s.httpPort(), path.replace("/api", ""));
            assertEquals(200, page.statusCode());
            assertFalse(page.body().contains("gate/1"), "the page never carries the id: the script reads it");
            assertTrue(s.registry().scrape().contains("yolostream_sinks_annotated_total"));
            assertEquals(404, ServiceFixture.get(s.httpPort(), "/nowhere").statusCode());
            // made-up ids are neither watched nor streamed
            assertEquals(404, ServiceFixture.get(s.httpPort(), "/api/cameras/nobody").statusCode());
            assertEquals(404, ServiceFixture.get(s.httpPort(), "/cameras/nobody/stream.mjpeg").statusCode());
        }
    }

    private static void awaitTrue(java.util.function.BooleanSupplier c, String what) {
        org.awaitility.Awaitility.await(what).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(c::getAsBoolean);
    }
}
