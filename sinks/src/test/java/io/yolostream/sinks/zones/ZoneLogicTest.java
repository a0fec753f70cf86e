package io.yolostream.sinks.zones;

import io.yolostream.sinks.avro.ZoneCoordinates;
import io.yolostream.sinks.avro.ZoneKind;
import io.yolostream.sinks.track.ZoneMemory;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Zone and line events on hand-made anchor paths. */
class ZoneLogicTest {
    /** A square zone 200..400 × 200..400 px, dwell limit 3 s. */
    static final ZoneSpec SQUARE = new ZoneSpec("cam", "yard", ZoneKind.ZONE, "Yard", ZoneCoordinates.PIXEL,
            List.of(new Point(200, 200), new Point(400, 200), new Point(400, 400), new Point(200, 400)), 3000L);
    /** A horizontal line y = 300 from x 100 to 500, pointing right: its right side (forward) is below it. */
    static final ZoneSpec GATE = new ZoneSpec("cam", "gate", ZoneKind.LINE, null, ZoneCoordinates.NORMALIZED,
            List.of(new Point(0.1, 0.5), new Point(0.5, 0.5)), null);

    private record Step(List<ZoneEvent> events, List<String> in, List<String> crossed) {
    }

    private static Step step(ZoneMemory m, double x, double y, long t, boolean seen, List<ZoneSpec> zones) {
        List<String> in = new ArrayList<>();
        List<String> crossed = new ArrayList<>();
        // the line's normalized coordinates on a 1000 × 600 frame: (100, 300) → (500, 300)
        return new Step(ZoneLogic.update(m, x, y, 100, t, seen, zones, 1000, 600, in, crossed), in, crossed);
    }

    private static List<String> kinds(List<ZoneEvent> es) {
        return es.stream().map(e -> e.kind() + (e.direction() == null ? "" : " " + e.direction())
                + (e.dwellMs() == null ? "" : " " + e.dwellMs())).toList();
    }

    @Test
    void entersDwellsAndLeavesAZone() {
        ZoneMemory m = new ZoneMemory();
        List<ZoneSpec> zones = List.of(SQUARE);
        assertEquals(List.of(), kinds(step(m, 100, 300, 0, true, zones).events()));
        Step in = step(m, 250, 300, 1000, true, zones);
        assertEquals(List.of("ENTERED"), kinds(in.events()));
        assertEquals(List.of("yard"), in.in());
        assertEquals(List.of(), kinds(step(m, 300, 300, 3000, true, zones).events()));
        // past the limit: once, even on a frame the track was not matched in
        assertEquals(List.of("DWELL 3500"), kinds(step(m, 300, 300, 4500, false, zones).events()));
        assertEquals(List.of(), kinds(step(m, 300, 300, 5000, true, zones).events()));
        // a lost track's prediction does not leave the zone
        assertEquals(List.of(), kinds(step(m, 600, 300, 5200, false, zones).events()));
        assertEquals(List.of("LEFT 5500"), kinds(step(m, 600, 300, 6500, true, zones).events()));
        // in again: a new stay, a new dwell report
        step(m, 300, 300, 7000, true, zones);
        assertEquals(List.of("DWELL 3100"), kinds(step(m, 300, 300, 10_100, true, zones).events()));
        // the track ends inside: LEFT at the time it was last seen
        assertEquals(List.of("LEFT 3000"), kinds(ZoneLogic.end(m, 10_000, zones)));
    }

    @Test
    void crossesADirectedLineBothWays() {
        ZoneMemory m = new ZoneMemory();
        List<ZoneSpec> zones = List.of(GATE);
        step(m, 300, 200, 0, true, zones);                       // above: the left of a→b
        Step down = step(m, 300, 400, 500, true, zones);        // below: its right
        assertEquals(List.of("CROSSED forward"), kinds(down.events()));
        assertEquals(List.of("gate:forward"), down.crossed());
        assertEquals(List.of("CROSSED backward"), kinds(step(m, 310, 250, 1000, true, zones).events()));
    }

    @Test
    void jitterOnTheLineAndPassingBesideItCountNothing() {
        ZoneMemory m = new ZoneMemory();
        List<ZoneSpec> zones = List.of(GATE);
        step(m, 300, 280, 0, true, zones);
        // ±4 px around the line: inside the dead band (5% of a 100 px box, 5 px)
        for (int k = 1; k < 10; k++) {
            assertEquals(List.of(), kinds(step(m, 300, 300 + (k % 2 == 0 ? 4 : -4), k * 100L, true, zones).events()));
        }
        // beyond the segment's end (x 600 > 500): its side changes, no crossing
        ZoneMemory beside = new ZoneMemory();
        step(beside, 600, 200, 0, true, zones);
        assertEquals(List.of(), kinds(step(beside, 600, 400, 500, true, zones).events()));
        assertEquals(List.of(), kinds(step(beside, 450, 420, 1000, true, zones).events()), "no late count");
    }

    @Test
    void normalizedZonesWaitForTheFrameSizeAndDeletedZonesAreForgotten() {
        ZoneMemory m = new ZoneMemory();
        List<String> in = new ArrayList<>();
        assertTrue(ZoneLogic.update(m, 300, 200, 100, 0, true, List.of(GATE), 0, 0, in, new ArrayList<>()).isEmpty());
        assertTrue(m.lineSide.isEmpty(), "unknown frame size: the normalized line is not evaluated");
        step(m, 300, 300, 0, true, List.of(SQUARE));
        assertEquals(1, m.insideSince.size());
        assertEquals(List.of(), kinds(step(m, 300, 300, 100, true, List.of()).events()), "no LEFT for a deleted zone");
        assertTrue(m.insideSince.isEmpty());
    }

    @Test
    void invalidZonesSayWhatIsWrong() {
        ZoneSpec bad = new ZoneSpec("cam", "a/b", ZoneKind.LINE, null, ZoneCoordinates.NORMALIZED,
                List.of(new Point(0.5, 1.5)), 1000L);
        List<String> p = bad.problems();
        assertTrue(p.stream().anyMatch(s -> s.contains("expected an id of")), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.contains("expected a line of 2 points, found 1")), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.contains("expected normalized coordinates in 0..1")), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.contains("dwell limit")), p.toString());
        assertTrue(SQUARE.problems().isEmpty());
        assertTrue(GATE.problems().isEmpty());
    }
}
