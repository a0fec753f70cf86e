package io.yolostream.deploy;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The npm command-line tools of the deploy tests (dclint, dockerfile-utils), pinned, installed by the build itself:
 * {@code npm install --prefix deploy/target/npm-tools} on first use, so {@code ./mvnw verify} needs no global tool.
 * An executable named by the tool's variable (e.g. {@code DCLINT=/path/to/dclint}) wins. Without npm (a machine with
 * only a JDK) the tests that need a tool are skipped with one line saying why; under {@code CI=true} they fail.
 */
final class NpmTools {
    /** Package and pinned version of each tool, installed together. */
    static final Map<String, String> PINNED = Map.of("dclint", "3.1.0", "dockerfile-utils", "0.16.3");

    private static String installProblem;
    private static boolean installTried;

    private NpmTools() {
    }

    /** The tool's executable: from {@code variable}, else the pinned one under target/npm-tools (installed now). */
    static synchronized String require(Path deployDir, String variable, String name) {
        String fromEnv = System.getenv(variable);
        if (fromEnv != null && !fromEnv.isBlank()) {
            Assertions.assertTrue(Files.isExecutable(Path.of(fromEnv)), variable + "=" + fromEnv
                    + " is not an executable file");
            return fromEnv;
        }
        Path prefix = deployDir.resolve("target/npm-tools");
        Path bin = prefix.resolve("node_modules/.bin").resolve(name);
        if (!Files.isExecutable(bin) && !installTried) {
            installTried = true;
            installProblem = install(prefix);
        }
        if (Files.isExecutable(bin)) {
            return bin.toString();
        }
        String why = name + " (npm " + name + "@" + PINNED.get(name) + ") is not installed: "
                + (installProblem != null ? installProblem : "npm did not install it under " + prefix);
        if ("true".equals(System.getenv("CI"))) {
            Assertions.fail(why);
        }
        Assumptions.abort(why);
        return null;
    }

    /** npm install of every pinned tool under {@code prefix}; null when it worked, else what went wrong. */
    private static String install(Path prefix) {
        String npm = onPath("npm");
        if (npm == null) {
            return "npm is not on the PATH (install Node.js 20.19+ with npm; the build then installs the pinned"
                    + " tools itself)";
        }
        List<String> cmd = new ArrayList<>(List.of(npm, "install", "--prefix", prefix.toString(), "--no-audit",
                "--no-fund", "--no-save", "--loglevel=error"));
        PINNED.forEach((pkg, version) -> cmd.add(pkg + "@" + version));
        try {
            Files.createDirectories(prefix);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(300, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return String.join(" ", cmd) + " did not finish in 300 s";
            }
            System.out.println("npm tools: " + String.join(" ", cmd) + ": exit " + p.exitValue());
            return p.exitValue() == 0 ? null : String.join(" ", cmd) + " failed:\n" + out;
        } catch (IOException e) {
            return String.join(" ", cmd) + ": " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    static String onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                return Path.of(dir, name).toString();
            }
        }
        return null;
    }
}
