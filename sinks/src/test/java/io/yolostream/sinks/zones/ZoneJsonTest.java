package io.yolostream.sinks.zones;

import io.yolostream.sinks.avro.ZoneCoordinates;
import io.yolostream.sinks.avro.ZoneKind;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ZoneJsonTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void parsesTheApiBodyAndTheFile() {
        ZoneSpec z = ZoneJson.parse(b("{\"kind\":\"zone\",\"points\":[[0.1,0.1],[0.5,0.1],[0.5,0.9]],"
                + "\"coordinates\":\"normalized\",\"name\":\"Loading\",\"dwellLimit\":\"5m\"}"), "dock", "loading", "t");
        assertEquals(new ZoneSpec("dock", "loading", ZoneKind.ZONE, "Loading", ZoneCoordinates.NORMALIZED,
                List.of(new Point(0.1, 0.1), new Point(0.5, 0.1), new Point(0.5, 0.9)), 300_000L), z);
        List<ZoneSpec> all = ZoneJson.parseList(b("[{\"camera\":\"gate\",\"id\":\"in\",\"kind\":\"line\","
                + "\"points\":[[0,300],[640,300]]}, {\"camera\":\"dock\",\"id\":\"loading\",\"kind\":\"zone\","
                + "\"points\":[[1,1],[5,1],[5,9]],\"dwellLimit\":90000}]"), "zones.json");
        assertEquals(2, all.size());
        assertEquals(ZoneCoordinates.PIXEL, all.get(0).coordinates());
        assertEquals(90_000L, all.get(1).dwellLimitMs());
        // the topic's record and back
        assertEquals(z, ZoneCodec.fromRecord(ZoneCodec.toRecord(z, Instant.EPOCH, "api")));
        assertEquals("line", ZoneJson.toMap(all.get(0)).get("kind"));
    }

    @Test
    void badInputIsAClearError() {
        String[][] cases = {
                {"{\"kind\":\"circle\",\"points\":[]}", "kind: expected zone or line, found 'circle'"},
                {"{\"kind\":\"line\",\"points\":[[1,2]]}", "expected a line of 2 points, found 1"},
                {"{\"kind\":\"line\",\"points\":[[1,2],[\"a\",3]]}", "expected [x, y] pairs of numbers"},
                {"{\"kind\":\"line\",\"points\":[[1,2],[3,4]],\"colour\":\"red\"}", "field 'colour': expected one of"},
                {"{\"kind\":\"line\",\"points\":[[1,2],[3,4]],\"id\":\"other\"}", "id: expected 'in' as in the path"},
                {"{\"kind\":\"zone\",\"points\":[[1,2],[3,4],[5,6]],\"dwellLimit\":\"soon\"}",
                        "dwellLimit: expected a duration like 90s or 5m"},
                {"[1,2", "expected JSON, found malformed JSON"},
        };
        for (String[] c : cases) {
            ZoneException e = assertThrows(ZoneException.class, () -> ZoneJson.parse(b(c[0]), "gate", "in", "zone gate/in"));
            assertTrue(e.getMessage().contains(c[1]), c[0] + " -> " + e.getMessage());
            assertTrue(e.getMessage().startsWith("zone gate/in: "), e.getMessage());
        }
        ZoneException dup = assertThrows(ZoneException.class, () -> ZoneJson.parseList(b("[{\"camera\":\"c\",\"id\":\"a\","
                + "\"kind\":\"line\",\"points\":[[1,2],[3,4]]},{\"camera\":\"c\",\"id\":\"a\",\"kind\":\"line\","
                + "\"points\":[[1,2],[3,5]]}]"), "zones.json"));
        assertTrue(dup.getMessage().contains("c/a twice"), dup.getMessage());
    }
}
