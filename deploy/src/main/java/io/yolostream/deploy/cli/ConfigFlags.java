package io.yolostream.deploy.cli;

import io.yolostream.config.ConfigKey;
import io.yolostream.config.ConfigSchema;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Turns a service's {@link ConfigSchema} into command-line flags ({@code --<key>}), so each key is declared once
 * (name, type, default, doc) and appears in {@code --help} with its environment variable.
 */
final class ConfigFlags {
    private final Map<String, String> given = new LinkedHashMap<>();

    /** Adds one option per key to {@code spec}; values given on the command line are collected in {@link #given()}. */
    ConfigFlags(CommandSpec spec, ConfigSchema schema) {
        for (ConfigKey<?> key : schema.keys()) {
            String def = key.secret() || key.defaultValue() == null ? "none" : String.valueOf(key.defaultValue());
            spec.addOption(OptionSpec.builder("--" + key.name())
                    .paramLabel(key.type() == String.class ? "TEXT" : key.type().getSimpleName().toUpperCase())
                    .type(String.class)
                    .description(key.doc() + " (env " + key.envName(schema.service()) + "; default " + def + ")")
                    .setter(new picocli.CommandLine.Model.ISetter() {
                        @Override
                        @SuppressWarnings("unchecked")
                        public <T> T set(T value) {
                            if (value != null) {
                                given.put(key.name(), (String) value);
                            }
                            return null;
                        }
                    })
                    .build());
        }
    }

    Map<String, String> given() {
        return given;
    }

    /** The {@code --config} file, or no entries. */
    static Properties readFile(Path file) {
        Properties p = new Properties();
        if (file == null) {
            return p;
        }
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new io.yolostream.config.ConfigException("config file " + file + ": cannot read it: "
                    + e.getMessage());
        }
        return p;
    }
}
