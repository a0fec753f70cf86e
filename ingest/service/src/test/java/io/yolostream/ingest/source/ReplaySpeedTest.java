package io.yolostream.ingest.source;

import io.yolostream.ingest.IngestException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReplaySpeedTest {
    @Test
    void parsesFactorsAndMax() {
        assertEquals(1.0, ReplaySpeed.parse("1").factor());
        assertEquals(2.0, ReplaySpeed.parse("2x").factor());
        assertEquals(0.5, ReplaySpeed.parse(" 0.5 ").factor());
        assertTrue(ReplaySpeed.parse("MAX").isMax());
        assertEquals("2x", ReplaySpeed.parse("2").toString());
        assertEquals("max", ReplaySpeed.MAX.toString());
    }

    @Test
    void rejectsWhatIsNotASpeed() {
        IngestException e = assertThrows(IngestException.class, () -> ReplaySpeed.parse("fast"));
        assertTrue(e.getMessage().contains("'fast'"), e.getMessage());
        assertThrows(IngestException.class, () -> ReplaySpeed.parse("0"));
        assertThrows(IngestException.class, () -> ReplaySpeed.parse("-1"));
    }
}
