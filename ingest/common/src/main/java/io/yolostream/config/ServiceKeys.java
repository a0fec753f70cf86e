package io.yolostream.config;

/**
 * The keys every service has (ingest, detect, sinks), declared once here; each service's config class lists them
 * in its schema next to its own keys.
 */
public final class ServiceKeys {
    public static final ConfigKey<String> BOOTSTRAP_SERVERS = ConfigKey.string("bootstrap-servers", "localhost:9092",
            "Kafka bootstrap servers, host:port[,host:port]");
    public static final ConfigKey<String> HTTP_HOST = ConfigKey.string("http-host", "127.0.0.1",
            "address the HTTP server listens on: loopback by default; any other address (0.0.0.0 = all) needs the "
                    + "service's token");
    public static final ConfigKey<Integer> STARTUP_TIMEOUT_MS = ConfigKey.integer("startup-timeout-ms", 30_000, 100,
            3_600_000, "how long the start waits for the broker (and the topics it needs) before failing");

    private ServiceKeys() {
    }

    /** The HTTP port, with the service's default and what it serves. */
    public static ConfigKey<Integer> httpPort(int defaultPort, String serves) {
        return ConfigKey.integer("http-port", defaultPort, 0, 65535, "port of " + serves + " (0 = any free port)");
    }

    /**
     * A bearer token of the HTTP server (never printed). Empty = none, which is only allowed while the server
     * listens on loopback; a token is long enough not to be guessed.
     */
    public static ConfigKey<String> httpToken(String name, String protects) {
        return new ConfigKey<>(name, String.class, null, "token required by " + protects + " (none = open to local "
                + "clients only, and the server must listen on loopback); at least 16 characters, e.g. "
                + "`openssl rand -hex 32`", v -> v.isEmpty() || v.length() >= 16 && v.chars().allMatch(c -> c > 0x20
                && c < 0x7f) ? null : "none or at least 16 printable ASCII characters without spaces", true);
    }

    /** The replication factor of the topics the service creates. */
    public static ConfigKey<Integer> replicationFactor(String topics) {
        return ConfigKey.integer("replication-factor", 1, 1, 16, "replication factor of " + topics
                + " when this service creates them");
    }
}
