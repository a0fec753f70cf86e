package io.yolostream.ingest.source;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FfmpegErrorsTest {
    @Test
    void quotesFfmpegsTextForTheErrorCodeAndMasksCredentials() {
        Exception javacv = new Exception("avformat_open_input() error -111: Could not open input "
                + "\"rtsp://admin:hunter2@10.0.0.5:554/stream\". (Has setFormat() been called?) (For more details, "
                + "make sure FFmpegLogCallback.set() has been called.)");
        String described = FfmpegErrors.describe(javacv);
        assertEquals("Connection refused (avformat_open_input() error -111)", described);
    }

    @Test
    void masksAMessageWithoutAnErrorCode() {
        String described = FfmpegErrors.describe(new IllegalStateException("bad rtsp://u:p@h/x"));
        assertFalse(described.contains("u:p@"), described);
        assertTrue(described.contains("rtsp://***:***@h/x"), described);
    }

    @Test
    void recognisesTheRtspDemuxersAnswerToA461() {
        // what ffmpeg returns when the RTSP server answered 461 Unsupported transport to every transport allowed
        assertTrue(FfmpegErrors.isProtocolNotSupported(new Exception("avformat_open_input() error -93: Could not"
                + " open input \"rtsp://127.0.0.1:8554/x\".")));
        assertFalse(FfmpegErrors.isProtocolNotSupported(new Exception("avformat_open_input() error -111: Could not"
                + " open input \"rtsp://127.0.0.1:8554/x\".")));
        assertFalse(FfmpegErrors.isProtocolNotSupported(new IllegalStateException((String) null)));
    }

    @Test
    void knowsInvalidData() {
        assertEquals("Invalid data found when processing input", FfmpegErrors.text(-1094995529));
    }
}
