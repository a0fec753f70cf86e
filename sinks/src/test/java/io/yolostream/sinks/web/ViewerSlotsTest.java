package io.yolostream.sinks.web;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ViewerSlotsTest {
    @Test
    void capsPerCameraAndInAllAndFreesOnRelease() {
        ViewerSlots slots = new ViewerSlots(3, 2);
        assertNull(slots.take("a"));
        assertNull(slots.take("a"));
        String perCamera = slots.take("a");
        assertTrue(perCamera.contains("at most 2 streams of one camera") && perCamera.contains(
                "live-max-viewers-per-camera") && perCamera.contains("found 2"), perCamera);
        assertNull(slots.take("b"));
        String all = slots.take("c");
        assertTrue(all.contains("at most 3 streams open at once (live-max-viewers), found 3"), all);
        assertEquals(3, slots.open());
        slots.release("a");
        assertNull(slots.take("c"), "a slot is free again");
        slots.release("a");
        slots.release("b");
        slots.release("c");
        assertEquals(0, slots.open());
        assertNull(slots.take("a"));
        assertNull(slots.take("a"));
    }
}
