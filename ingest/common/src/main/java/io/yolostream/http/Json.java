package io.yolostream.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.yolostream.config.Echo;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * JSON of the HTTP layer: request bodies read strictly (a key twice is an error, not "the last one wins"; nothing
 * after the value), answers written by Jackson.
 */
final class Json {
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private Json() {
    }

    /** The body as a JSON tree; a 400 naming what was expected when it is not JSON, or has a key twice. */
    static JsonNode read(byte[] body, String expected) {
        try {
            JsonNode n = MAPPER.readTree(body);
            if (n == null || n.isMissingNode()) {
                throw HttpError.badRequest("request body: expected " + expected + ", found nothing");
            }
            return n;
        } catch (JsonProcessingException e) {
            throw HttpError.badRequest("request body: expected " + expected + ", found "
                    + (e.getOriginalMessage().startsWith("Duplicate field") ? "a key twice ("
                    + Echo.of(e.getOriginalMessage(), 200) + ")"
                    : "malformed JSON (" + Echo.of(e.getOriginalMessage(), 200) + ")"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("answer not writable as JSON: " + e.getOriginalMessage(), e);
        }
    }
}
