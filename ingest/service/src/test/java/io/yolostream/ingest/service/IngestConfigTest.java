package io.yolostream.ingest.service;

import io.yolostream.config.ConfigException;
import io.yolostream.ingest.IngestException;
import io.yolostream.ingest.source.CameraSpec;
import io.yolostream.ingest.source.RtspTransport;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IngestConfigTest {
    static Properties props(String... kv) {
        Properties p = new Properties();
        for (int i = 0; i < kv.length; i += 2) {
            p.setProperty(kv[i], kv[i + 1]);
        }
        return p;
    }

    @Test
    void camerasComeFromTheFileWithDefaults() {
        IngestConfig c = IngestConfig.resolve(props(
                        "camera.front.url", "rtsp://u:p@10.0.0.5/s1", "camera.front.fps", "2",
                        "camera.yard.url", "/videos/yard.mp4", "camera.yard.quality", "70",
                        "default-max-width", "640", "kafka.security.protocol", "SSL"),
                Map.of("YOLOSTREAM_INGEST_DEFAULT_FPS", "4"), Map.of("topic", "cams"));
        List<CameraSpec> cams = c.cameras();
        assertEquals(2, cams.size());
        assertEquals(new CameraSpec("front", "rtsp://u:p@10.0.0.5/s1", 2, 640, 720, 85), cams.get(0));
        assertEquals(new CameraSpec("yard", "/videos/yard.mp4", 4, 640, 720, 70), cams.get(1));
        assertEquals("cams", c.publisherConfig().topic());
        assertEquals("SSL", c.publisherConfig().clientOverrides().get("security.protocol"));
        assertFalse(cams.get(0).toString().contains("u:p@"), cams.get(0).toString());
    }

    @Test
    void cameraAndKeyProblemsAreReportedTogether() {
        ConfigException e = assertThrows(ConfigException.class, () -> IngestConfig.resolve(props(
                "camera.front.fps", "2", "camera.back.url", "rtsp://x/y", "camera.back.quality", "300",
                "camera.side.colour", "red"), Map.of(), Map.of()));
        String m = e.getMessage();
        assertTrue(m.contains("3 problems"), m);
        assertTrue(m.contains("camera front: expected a url"), m);
        assertTrue(m.contains("quality: expected 1..100, found 300"), m);
        assertTrue(m.contains("camera.side.colour"), m);
    }

    @Test
    void rtspTransportPerCameraOverTheIngestDefault() {
        IngestConfig c = IngestConfig.resolve(props("camera.a.url", "rtsp://10.0.0.5/s", "camera.b.url",
                "rtsp://10.0.0.6/s", "camera.b.transport", "UDP", "rtsp-transport", "auto"), Map.of(), Map.of());
        assertEquals(RtspTransport.AUTO, c.cameras().get(0).transport());
        assertEquals(RtspTransport.UDP, c.cameras().get(1).transport());
        assertEquals(RtspTransport.TCP, IngestConfig.resolve(props("camera.a.url", "rtsp://10.0.0.5/s"), Map.of(),
                Map.of()).cameras().get(0).transport(), "tcp unless told otherwise");

        ConfigException e = assertThrows(ConfigException.class, () -> IngestConfig.resolve(props(
                "camera.a.url", "rtsp://10.0.0.5/s", "camera.a.transport", "quic"), Map.of(),
                Map.of("rtsp-transport", "sctp")));
        assertTrue(e.getMessage().contains("rtsp-transport expected one of tcp, udp, udp_multicast, http, auto, found"
                + " 'sctp'"), e.getMessage());
        IngestConfig ok = IngestConfig.resolve(props(), Map.of(), Map.of());
        IngestException api = assertThrows(IngestException.class, () -> ok.camera("a",
                Map.of("url", "rtsp://10.0.0.5/s", "transport", "quic")));
        assertTrue(api.getMessage().contains("transport: expected one of tcp, udp, udp_multicast, http, auto, found"
                + " 'quic'"), api.getMessage());
    }

    @Test
    void listeningBeyondLoopbackNeedsTheApiToken() {
        ConfigException e = assertThrows(ConfigException.class, () -> IngestConfig.resolve(props(),
                Map.of("YOLOSTREAM_INGEST_HTTP_HOST", "0.0.0.0"), Map.of()));
        assertTrue(e.getMessage().contains("http-host '0.0.0.0' is not a loopback address, and this server's routes "
                + "would be open to the network: expected api-token (env YOLOSTREAM_INGEST_API_TOKEN, flag "
                + "--api-token) to be set"), e.getMessage());
        IngestConfig withToken = IngestConfig.resolve(props(), Map.of("YOLOSTREAM_INGEST_HTTP_HOST", "0.0.0.0",
                "YOLOSTREAM_INGEST_API_TOKEN", "0123456789abcdef0123"), Map.of());
        assertEquals("0.0.0.0", withToken.get(IngestConfig.HTTP_HOST));
        assertFalse(withToken.describe().contains("0123456789abcdef"), withToken.describe());
        ConfigException shortToken = assertThrows(ConfigException.class, () -> IngestConfig.resolve(props(),
                Map.of("YOLOSTREAM_INGEST_API_TOKEN", "s3cret"), Map.of()));
        assertTrue(shortToken.getMessage().contains("api-token expected none or at least 16 printable ASCII "
                + "characters without spaces, found '***'"), shortToken.getMessage());
        assertEquals("127.0.0.1", IngestConfig.resolve(props(), Map.of(), Map.of()).get(IngestConfig.HTTP_HOST));
    }
}
