package io.yolostream.config;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigSchemaTest {
    static final ConfigKey<Integer> PORT = ConfigKey.integer("http-port", 8081, 1, 65535, "HTTP port");
    static final ConfigKey<String> TOPIC = ConfigKey.string("topic", "frames", "topic");
    static final ConfigKey<Double> FPS = ConfigKey.decimal("fps", 5, 0, 240, "fps");
    static final ConfigKey<Boolean> LOOP = ConfigKey.bool("loop", false, "loop");
    static final ConfigKey<String> TOKEN = ConfigKey.secret("api-token", "token");
    static final ConfigSchema SCHEMA = new ConfigSchema("ingest", List.of(PORT, TOPIC, FPS, LOOP, TOKEN),
            List.of("camera."));

    static Properties props(String... kv) {
        Properties p = new Properties();
        for (int i = 0; i < kv.length; i += 2) {
            p.setProperty(kv[i], kv[i + 1]);
        }
        return p;
    }

    @Test
    void defaultsFileEnvironmentFlagsInThatOrder() {
        ResolvedConfig c = SCHEMA.resolve(props("http-port", "9000", "topic", "f1", "fps", "2"),
                Map.of("YOLOSTREAM_INGEST_TOPIC", "f2", "YOLOSTREAM_INGEST_FPS", "3", "OTHER", "x"),
                Map.of("fps", "4"));
        assertEquals(9000, c.get(PORT));
        assertEquals("file", c.origin(PORT));
        assertEquals("f2", c.get(TOPIC));
        assertEquals("environment YOLOSTREAM_INGEST_TOPIC", c.origin(TOPIC));
        assertEquals(4.0, c.get(FPS));
        assertEquals("flag --fps", c.origin(FPS));
        assertEquals(false, c.get(LOOP));
        assertEquals("default", c.origin(LOOP));
    }

    @Test
    void openPrefixesPassThrough() {
        ResolvedConfig c = SCHEMA.resolve(props("camera.front.url", "rtsp://x/y"), Map.of(), Map.of());
        assertEquals(Map.of("camera.front.url", "rtsp://x/y"), c.open());
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        ConfigException e = assertThrows(ConfigException.class, () -> SCHEMA.resolve(
                props("http-port", "70000", "colour", "red"),
                Map.of("YOLOSTREAM_INGEST_FPS", "fast", "YOLOSTREAM_INGEST_NOPE", "1"),
                Map.of("loop", "maybe", "api-token", "")));
        String m = e.getMessage();
        assertTrue(m.contains("5 problems"), m);
        assertTrue(m.contains("http-port expected an integer in 1..65535, found '70000'"), m);
        assertTrue(m.contains("unknown key 'colour'"), m);
        assertTrue(m.contains("fps expected a number, found 'fast'"), m);
        assertTrue(m.contains("YOLOSTREAM_INGEST_NOPE"), m);
        assertTrue(m.contains("loop expected true or false, found 'maybe'"), m);
    }

    @Test
    void secretsAreNeverPrinted() {
        ResolvedConfig c = SCHEMA.resolve(props(), Map.of("YOLOSTREAM_INGEST_API_TOKEN", "s3cret"), Map.of());
        assertEquals("s3cret", c.get(TOKEN));
        assertFalse(c.describe().contains("s3cret"), c.describe());
        assertTrue(c.describe().contains("api-token = ***"), c.describe());
    }

    @Test
    void keysAreDeclaredOnce() {
        assertThrows(IllegalArgumentException.class,
                () -> new ConfigSchema("x", List.of(TOPIC, ConfigKey.string("topic", "y", "again")), List.of()));
        assertThrows(IllegalArgumentException.class, () -> ConfigKey.string("Bad_Name", "", ""));
    }
}
