package io.yolostream.sinks.web;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class WebPagesTest {
    @Test
    void pathSegmentsArePercentDecodedWithPlusKept() {
        assertEquals(List.of("cameras", "gate/1 <b>", "stream.mjpeg"),
                WebPages.segments("/cameras/gate%2F1%20%3Cb%3E/stream.mjpeg"));
        assertEquals(List.of("cameras", "a+b"), WebPages.segments("/cameras/a+b"));
        assertEquals(List.of(), WebPages.segments("/"));
    }
}
