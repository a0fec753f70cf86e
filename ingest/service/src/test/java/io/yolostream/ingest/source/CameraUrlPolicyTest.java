package io.yolostream.ingest.source;

import io.yolostream.ingest.IngestException;
import io.yolostream.ingest.source.CameraUrlPolicy.Origin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The camera URL allowlist: what is refused, and that each refusal names the rule and the setting. */
class CameraUrlPolicyTest {
    @TempDir
    Path dir;

    private static String refused(CameraUrlPolicy policy, String url, Origin origin) {
        return assertThrows(IngestException.class, () -> policy.check("cam", url, origin),
                url + " must be refused").getMessage();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://10.0.0.5/video.mp4", "gopher://127.0.0.1:8082/_GET%20/metrics", "tcp://127.0.0.1:9092",
            "udp://239.0.0.1:1234", "concat:/etc/passwd|/etc/shadow", "data:video/mp4;base64,AAAA",
            "subfile,,start,0,end,100,,:/etc/shadow", "pipe:0", "crypto:file:/etc/shadow", "hls+http://h/x.m3u8",
            "unix:/var/run/docker.sock", "async:file:/etc/shadow", "srt://10.0.0.5:9000"})
    void otherFfmpegProtocolsAreNeverCameras(String url) {
        CameraUrlPolicy everything = CameraUrlPolicy.of("rtsp,rtsps,http,https,rtmp,rtmps", dir.toString(), true);
        for (Origin origin : Origin.values()) {
            String message = refused(everything, url, origin);
            assertTrue(message.contains("is never a camera"), message);
            assertTrue(message.startsWith("camera cam: url "), message);
        }
    }

    @Test
    void byDefaultOnlyRtspAndRtspsAreAccepted() {
        CameraUrlPolicy d = CameraUrlPolicy.defaults();
        assertEquals("rtsp", d.check("cam", "rtsp://10.0.0.5/s", Origin.API).scheme());
        assertEquals("rtsps", d.check("cam", "RTSPS://cam.example/s", Origin.API).scheme());
        for (String url : List.of("http://10.0.0.5/mjpeg", "https://cam.example/live.m3u8", "rtmp://10.0.0.5/live")) {
            String message = refused(d, url, Origin.API);
            String scheme = url.substring(0, url.indexOf(':'));
            assertTrue(message.contains("scheme '" + scheme + "' is not allowed (allowed: rtsp, rtsps)"), message);
            assertTrue(message.contains("set camera-schemes to allow it, e.g. camera-schemes=rtsp,rtsps," + scheme),
                    message);
        }
    }

    @Test
    void httpToThisMachineIsRefusedUnlessAllowed() {
        CameraUrlPolicy http = CameraUrlPolicy.of("rtsp,http,https", "", false);
        assertEquals("http", http.check("cam", "http://10.0.0.5/mjpeg", Origin.API).scheme());
        for (String url : List.of("http://127.0.0.1:8082/metrics", "http://localhost:8081/cameras",
                "https://[::1]/x", "http://169.254.169.254/latest/meta-data/", "http://0.0.0.0:8082/",
                "http://2130706433/", "http://user:p@ss@127.0.0.1/x", "http://no-such-host.invalid/x")) {
            String message = refused(http, url, Origin.API);
            assertTrue(message.contains("set camera-allow-local-hosts=true"), message);
            assertFalse(message.contains("p@ss"), message);
        }
        CameraUrlPolicy allowed = CameraUrlPolicy.of("rtsp,http", "", true);
        assertEquals("127.0.0.1", allowed.check("cam", "http://127.0.0.1:8082/metrics", Origin.API).host());
        // rtsp cameras may be anywhere, this machine included (test servers, a local restreamer)
        assertEquals("127.0.0.1", http.check("cam", "rtsp://127.0.0.1:8554/cam", Origin.API).host());
    }

    @Test
    void rtspTunnelledInHttpMeetsTheHostRuleOfHttpCameras() {
        CameraUrlPolicy d = CameraUrlPolicy.defaults();
        assertEquals("rtsp", d.check("cam", "rtsp://127.0.0.1:8554/s", RtspTransport.UDP, Origin.API).scheme());
        assertEquals("rtsp", d.check("cam", "rtsp://10.0.0.5/s", RtspTransport.HTTP, Origin.API).scheme());
        IngestException e = assertThrows(IngestException.class,
                () -> d.check("cam", "rtsp://127.0.0.1:8082/metrics", RtspTransport.HTTP, Origin.API));
        assertTrue(e.getMessage().contains("set camera-allow-local-hosts=true to allow RTSP cameras tunnelled in HTTP"
                + " (transport http) there"), e.getMessage());
        assertEquals("rtsp", CameraUrlPolicy.of("rtsp", "", true)
                .check("cam", "rtsp://127.0.0.1:8554/s", RtspTransport.HTTP, Origin.API).scheme());
    }

    @Test
    void localFilesComeThroughTheApiOnlyFromConfiguredDirectories() throws Exception {
        Path videos = Files.createDirectories(dir.resolve("videos"));
        Path clip = Files.writeString(videos.resolve("clip.mp4"), "x");
        Path outside = Files.writeString(dir.resolve("secret.mp4"), "x");
        Files.createSymbolicLink(videos.resolve("escape.mp4"), outside);

        CameraUrlPolicy none = CameraUrlPolicy.defaults();
        for (String url : List.of("/etc/shadow", "file:/etc/shadow", "file:///etc/shadow", clip.toString(),
                "../../etc/shadow")) {
            String message = refused(none, url, Origin.API);
            assertTrue(message.contains("local files are not accepted through the control API"), message);
            assertTrue(message.contains("set camera-file-dirs"), message);
        }
        // the operator's own files (config file, command line) are files the operator chose
        assertEquals(clip, none.check("cam", clip.toString(), Origin.OPERATOR).file());

        CameraUrlPolicy dirs = CameraUrlPolicy.of("rtsp", videos.toString(), false);
        assertEquals(clip, dirs.check("cam", clip.toString(), Origin.API).file());
        assertEquals(clip, dirs.check("cam", "file:" + clip, Origin.API).file());
        for (String url : List.of("/etc/shadow", outside.toString(), videos.resolve("escape.mp4").toString(),
                videos.resolve("../secret.mp4").toString(), videos.toString(), videos.resolve("none.mp4").toString())) {
            String message = refused(dirs, url, Origin.API);
            assertTrue(message.contains("expected a video file under camera-file-dirs [" + videos + "]"), message);
        }
    }

    @Test
    void ffmpegGetsAFileUrlAndAWhitelistForEachKind() {
        CameraUrl file = CameraUrl.parse("videos/a,b:c.mp4");
        assertTrue(file.isFile(), "a relative name with ',' and ':' after a '/' is a file");
        assertEquals("file:" + Path.of("videos/a,b:c.mp4").toAbsolutePath(), file.ffmpegInput());
        assertEquals("file", file.protocolWhitelist());
        assertEquals("rtsp,tcp,udp,rtp", CameraUrl.parse("rtsp://h/s").protocolWhitelist());
        assertEquals("http,https,tcp,tls,crypto", CameraUrl.parse("https://h/live.m3u8").protocolWhitelist());
        assertFalse(CameraUrl.parse("http://h/x").protocolWhitelist().contains("file"));
    }

    @Test
    void theSchemeSettingTakesOnlyCameraSchemes() {
        IngestException e = assertThrows(IngestException.class,
                () -> new CameraUrlPolicy(Set.of("rtsp", "file"), List.of(), false));
        assertTrue(e.getMessage().contains("camera-schemes: expected schemes among rtsp, rtsps, http, https, rtmp,"
                + " rtmps"), e.getMessage());
        assertEquals(null, CameraUrlPolicy.schemesProblem("rtsp, HTTPS"));
        assertTrue(CameraUrlPolicy.schemesProblem("rtsp,ftp").contains("'ftp' is never a camera"));
    }
}
