package io.yolostream.http;

import java.io.IOException;

/** Answers one request of a route. Throw {@link HttpError} for an error answer; an IOException means the client left. */
@FunctionalInterface
public interface Handler {
    void handle(Call call) throws IOException;
}
