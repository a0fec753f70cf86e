package io.yolostream.ingest;

import io.yolostream.config.UrlMasker;

/**
 * The one exception of the ingest module's boundary: bad configuration, unreadable sources, Kafka failures that the
 * caller must see. Messages name the input, what was expected and what was found, with credentials masked.
 */
public class IngestException extends RuntimeException {
    public IngestException(String message) {
        super(UrlMasker.maskAll(message));
    }

    public IngestException(String message, Throwable cause) {
        super(UrlMasker.maskAll(message), cause);
    }
}
