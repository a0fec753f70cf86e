package io.yolostream.detector.runtime;

import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OutputBuffersTest {

    @Test
    void aShapeSeenAgainGetsItsBuffer() {
        OutputBuffers b = new OutputBuffers(16, 1 << 20);
        FloatBuffer a = b.get(2, 64, 64, 1000);
        assertSame(a, b.get(2, 64, 64, 1000));
        assertNotSame(a, b.get(2, 96, 96, 1000));
        assertEquals(1000, a.capacity());
        assertTrue(a.isDirect());
    }

    @Test
    void bytesStayWithinTheCapLeastRecentlyUsedOut() {
        OutputBuffers b = new OutputBuffers(16, 10_000); // 2,500 floats
        FloatBuffer first = b.get(1, 32, 32, 1000);
        FloatBuffer second = b.get(2, 32, 32, 1000);
        assertSame(first, b.get(1, 32, 32, 1000)); // now the most recent
        b.get(3, 32, 32, 1000); // 12,000 bytes would not fit: the least recently used (second) goes
        assertEquals(2, b.shapes());
        assertEquals(8_000, b.bytes());
        assertSame(first, b.get(1, 32, 32, 1000));
        assertNotSame(second, b.get(2, 32, 32, 1000));
        assertTrue(b.bytes() <= 10_000, "bytes " + b.bytes());
    }

    @Test
    void aBufferLargerThanTheCapIsStillGivenAndAloneKept() {
        OutputBuffers b = new OutputBuffers(16, 10_000);
        b.get(1, 32, 32, 1000);
        b.get(1, 64, 64, 1000);
        FloatBuffer huge = b.get(8, 608, 608, 5000); // 20,000 bytes: YOLO9000 at batch 8
        assertEquals(1, b.shapes());
        assertEquals(20_000, b.bytes());
        assertSame(huge, b.get(8, 608, 608, 5000));
    }

    @Test
    void atMostMaxShapes() {
        OutputBuffers b = new OutputBuffers(3, Long.MAX_VALUE);
        for (int s = 1; s <= 10; s++) {
            b.get(s, 32, 32, 10);
        }
        assertEquals(3, b.shapes());
        assertEquals(120, b.bytes());
    }
}
