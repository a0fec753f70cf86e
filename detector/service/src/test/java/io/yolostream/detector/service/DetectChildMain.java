package io.yolostream.detector.service;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Runs a DetectService in its own JVM (for the crash IT): args are key=value flags, {@code kafka.*} ones go where a
 * config file would put them; stops on SIGTERM.
 */
public final class DetectChildMain {
    private DetectChildMain() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> flags = new LinkedHashMap<>();
        Properties file = new Properties();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (a.startsWith("kafka.")) {
                file.setProperty(a.substring(0, eq), a.substring(eq + 1));
            } else {
                flags.put(a.substring(0, eq), a.substring(eq + 1));
            }
        }
        DetectService service = new DetectService(DetectConfig.resolve(file, Map.of(), flags));
        Runtime.getRuntime().addShutdownHook(new Thread(service::close, "detect-child-shutdown"));
        System.out.println("detector started: " + service.modelId());
        service.awaitTermination();
    }
}
