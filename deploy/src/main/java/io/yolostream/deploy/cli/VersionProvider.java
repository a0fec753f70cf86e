package io.yolostream.deploy.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** {@code yolostream --version}: the Maven project version, filtered into version.properties at build time. */
final class VersionProvider implements IVersionProvider {
    private static final String RESOURCE = "/io/yolostream/deploy/version.properties";

    @Override
    public String[] getVersion() {
        return new String[] {"yolostream " + version()};
    }

    static String version() {
        try (InputStream in = VersionProvider.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return "unknown (" + RESOURCE + " missing from the classpath)";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + RESOURCE, e);
        }
    }
}
