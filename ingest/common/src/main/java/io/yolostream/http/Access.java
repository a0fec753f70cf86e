package io.yolostream.http;

/** Who may call a route. */
public enum Access {
    /** Anyone who can reach the port ({@code /metrics}, {@code /health}, static files): an opt-out, like Frigate's. */
    OPEN,
    /** The token (when the server has one): {@code Authorization: Bearer}, or the login cookie where enabled. */
    TOKEN,
    /** As {@link #TOKEN}; a browser without it gets the login page instead of a JSON 401. */
    PAGE
}
