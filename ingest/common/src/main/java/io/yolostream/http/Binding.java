package io.yolostream.http;

import io.yolostream.config.ConfigKey;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Where a server may listen: loopback always; any other address only with a token, since routes that are open to
 * local clients would be open to the network there.
 */
public final class Binding {
    private Binding() {
    }

    /**
     * Null when the server may listen on {@code host}, else the problem, naming the settings (keys, environment
     * variables) that fix it.
     *
     * @param service  the service's config name (ingest, sinks): the environment variables are YOLOSTREAM_SERVICE_*
     * @param tokenKey the token's key, or null when every route of the server is open (then any address will do)
     */
    public static String problem(String service, ConfigKey<String> hostKey, String host, ConfigKey<String> tokenKey,
                                 String token) {
        InetAddress address;
        try {
            address = resolve(host);
        } catch (UnknownHostException e) {
            return hostKey.name() + " '" + host + "': expected an address of this machine, found an unknown host";
        }
        if (address.isLoopbackAddress() || tokenKey == null || token != null && !token.isEmpty()) {
            return null;
        }
        return hostKey.name() + " '" + host + "' is not a loopback address, and this server's routes would be open to "
                + "the network: expected " + tokenKey.name() + " (env " + tokenKey.envName(service) + ", flag --"
                + tokenKey.name() + ") to be set, found none; set a token, or keep " + hostKey.name() + "=127.0.0.1 ("
                + hostKey.envName(service) + ")";
    }

    static InetAddress resolve(String host) throws UnknownHostException {
        return InetAddress.getByName(host == null || host.isBlank() ? "127.0.0.1" : host.strip());
    }
}
