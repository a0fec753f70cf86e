package io.yolostream.config;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

class UrlMaskerTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // user info up to the LAST '@' of the authority (ffmpeg's reading)
            "rtsp://admin:p@ss@10.0.0.5/y                 | rtsp://***:***@10.0.0.5/y",
            "rtsp://admin:p@s@s@cam:554/live?a=1           | rtsp://***:***@cam:554/live?a=1",
            // ':' in the password
            "rtsp://admin:pa:ss:word@cam/stream            | rtsp://***:***@cam/stream",
            // percent-encoded '@', ':' and '/' in the password
            "rtsp://user:p%40ss%3Aw%2Fd@cam:8554/s         | rtsp://***:***@cam:8554/s",
            // a user name only
            "rtsps://operator@cam.example/live             | rtsps://***@cam.example/live",
            // an unencoded '/' in the password: the URL is broken, masked up to the '@' all the same
            "rtsp://admin:pa/ss@cam/y                      | rtsp://***:***@cam/y",
            // secret-looking query parameters, any case, with a fragment
            "http://cam/snap?password=abc&x=1&Token=t#f     | http://cam/snap?password=***&x=1&Token=***#f",
            "rtsp://cam/live?user=bob&pwd=s3cret&channel=1 | rtsp://cam/live?user=bob&pwd=***&channel=1",
            "https://h/p?api_key=K&auth=A&passwd=P&secret=S&ok=1 | https://h/p?api_key=***&auth=***&passwd=***&secret=***&ok=1",
            // both at once
            "rtsp://u:p@ss@cam/s?access_token=xyz          | rtsp://***:***@cam/s?access_token=***",
            // nothing to mask
            "rtsp://cam.example:554/stream1                | rtsp://cam.example:554/stream1",
            "rtsp://[::1]:8554/x                           | rtsp://[::1]:8554/x",
            "http://host:8080/users/@me                    | http://host:8080/users/@me",
            "/videos/parking.mp4                           | /videos/parking.mp4",
    })
    void masksUserInfoAndSecretParameters(String url, String masked) {
        assertEquals(masked, UrlMasker.mask(url));
    }

    @Test
    void masksEveryUrlInsideFreeText() {
        String text = "camera a (rtsp://admin:p@ss@cam1/x) failed, camera b {\"url\":\"rtsp://u:s3cr%40t@cam2/y?token=abc\"}"
                + " and 'http://cam3/m?password=pw'";
        String masked = UrlMasker.maskAll(text);
        assertEquals("camera a (rtsp://***:***@cam1/x) failed, camera b {\"url\":\"rtsp://***:***@cam2/y?token=***\"}"
                + " and 'http://cam3/m?password=***'", masked);
        for (String secret : new String[] {"p@ss", "ss@cam1", "s3cr", "abc", "pw'"}) {
            assertFalse(masked.contains(secret), secret + " in " + masked);
        }
    }

    @Test
    void textWithoutUrlsStaysAsIs() {
        assertEquals("user@example.org wrote: a@b", UrlMasker.maskAll("user@example.org wrote: a@b"));
        assertNull(UrlMasker.mask(null));
    }
}
