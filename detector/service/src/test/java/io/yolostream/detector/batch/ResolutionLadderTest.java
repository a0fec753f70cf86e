package io.yolostream.detector.batch;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResolutionLadderTest {
    @Test
    void defaultIs320To608Step32() {
        assertEquals(List.of(320, 352, 384, 416, 448, 480, 512, 544, 576, 608), ResolutionLadder.DEFAULT.sizes());
        assertEquals(320, ResolutionLadder.DEFAULT.min());
        assertEquals(608, ResolutionLadder.DEFAULT.max());
        assertEquals(10, ResolutionLadder.DEFAULT.rungs());
        assertEquals(3, ResolutionLadder.DEFAULT.rungOf(416));
        assertEquals(-1, ResolutionLadder.DEFAULT.rungOf(400));
    }

    @Test
    void parsesListsAndRanges() {
        assertEquals(List.of(320, 416, 608), ResolutionLadder.parse("320, 416,608").sizes());
        assertEquals(ResolutionLadder.DEFAULT, ResolutionLadder.parse("320..608"));
        assertEquals(List.of(64, 128, 192), ResolutionLadder.parse("64..192/64").sizes());
        assertEquals(List.of(416), ResolutionLadder.parse("416").sizes());
    }

    @Test
    void rejectsNonMultiplesUnsortedEmptyAndGarbage() {
        assertMessage("multiples of 32", () -> ResolutionLadder.of(320, 400));
        assertMessage("ascending", () -> ResolutionLadder.of(416, 320));
        assertMessage("ascending", () -> ResolutionLadder.of(320, 320));
        assertMessage("at least one", () -> ResolutionLadder.of());
        assertMessage("step", () -> ResolutionLadder.range(320, 608, 48));
        assertMessage("max - min", () -> ResolutionLadder.range(320, 600, 32));
        assertMessage("found 'big'", () -> ResolutionLadder.parse("big"));
        assertMessage("found ''", () -> ResolutionLadder.parse(""));
        assertMessage("found '320..'", () -> ResolutionLadder.parse("320.."));
    }

    private static void assertMessage(String part, Runnable r) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
