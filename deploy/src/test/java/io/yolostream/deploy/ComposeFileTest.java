package io.yolostream.deploy;

import io.yolostream.config.ConfigKey;
import io.yolostream.config.ConfigSchema;
import io.yolostream.detector.service.DetectConfig;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Static validation of the Docker Compose deployment (no Docker engine needed): deploy/docker-compose.yml and its
 * override files (cpu, gpu, local), and the Dockerfiles under deploy/docker/. The stack itself runs in
 * deploy/docker/compose-test.sh (.ci/run runs it).
 *
 * <ul>
 *   <li>{@code dclint} (npm, the Compose-specification schema plus its lint rules) must pass with no error and no
 *   warning, and {@code dockerfile-utils lint} (npm) must find nothing in the Dockerfiles; both pinned and installed
 *   by the test itself under deploy/target/npm-tools ({@link NpmTools}; skipped without npm, failed under CI).</li>
 *   <li>Debian's {@code docker-compose} 1.29 must accept every stack ({@code config -q}; skipped without it, failed
 *   under CI), and no file may use what 1.29 rejects.</li>
 *   <li>Every {@code YOLOSTREAM_*} variable a service sets (environment and env_file) is one that the config class of
 *   the service's command declares ({@code <Service>Config.SCHEMA}), found reflectively: every class on the test
 *   class path named {@code *Config} under io.yolostream with a static {@code ConfigSchema SCHEMA}.</li>
 *   <li>No privileged service, non-root images with a HEALTHCHECK, no secret literal in the compose files, a
 *   detector that can be scaled (no container_name, no host port, no fixed instance id), Dockerfiles that need no
 *   registry they were not pointed at, and one Kafka release everywhere.</li>
 * </ul>
 */
class ComposeFileTest {
    /** The launcher's / entry point's own variable: JVM options, not a config key. */
    static final Set<String> LAUNCHER_VARIABLES = Set.of("YOLOSTREAM_JAVA_OPTS");
    static final Pattern SECRET_NAME = Pattern.compile("(?i).*(TOKEN|PASSWORD|PASSWD|SECRET|API_KEY|CREDENTIAL).*");
    /** A value that only refers to a variable set elsewhere (no literal default). */
    static final Pattern PURE_REFERENCE = Pattern.compile("\\$\\{[A-Za-z_][A-Za-z0-9_]*(:?\\?[^}]*)?}");
    static final Pattern URL_WITH_PASSWORD = Pattern.compile("[a-z][a-z0-9+.-]*://[^/\\s:@]+:[^/\\s@]+@");
    static final Pattern INTERPOLATION = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-?+]([^}]*))?}");

    static Path deploy;
    static Path repo;
    static List<Path> composeFiles;
    static Map<String, Object> base;
    static Map<Path, Map<String, Object>> documents = new LinkedHashMap<>();

    @BeforeAll
    static void load() throws IOException {
        deploy = findDeployDir();
        repo = deploy.getParent();
        try (Stream<Path> s = Files.list(deploy)) {
            composeFiles = s.filter(p -> p.getFileName().toString().matches("docker-compose(\\.[\\w-]+)?\\.ya?ml"))
                    .sorted().toList();
        }
        assertTrue(composeFiles.contains(deploy.resolve("docker-compose.yml")), "deploy/docker-compose.yml missing");
        for (Path p : composeFiles) {
            documents.put(p, yaml(p));
        }
        base = documents.get(deploy.resolve("docker-compose.yml"));
    }

    // ------------------------------------------------------------------------------------------ dclint

    @Test
    void dclintValidatesEveryComposeFile() throws Exception {
        String dclint = findDclint();
        List<String> cmd = new ArrayList<>(List.of(dclint, "--no-color", "--formatter", "compact", "--max-warnings",
                "0"));
        composeFiles.forEach(p -> cmd.add(p.toString()));
        Process proc = new ProcessBuilder(cmd).directory(deploy.toFile()).redirectErrorStream(true).start();
        proc.getOutputStream().close();
        String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(proc.waitFor(120, TimeUnit.SECONDS), "dclint did not finish in 120 s");
        System.out.println("dclint (" + dclint + ") on " + composeFiles.size()
                + " compose files: exit " + proc.exitValue() + (out.isBlank() ? ", no findings" : "\n" + out));
        assertEquals(0, proc.exitValue(), "dclint found problems in the compose files:\n" + out);
    }

    @Test
    void dclintReallyRejectsAnInvalidFile() throws Exception {
        // guards against a dclint that silently accepts everything (wrong binary, changed flags)
        Path bad = Files.createTempFile("compose-invalid", ".yml");
        try {
            Files.writeString(bad, "services:\n  a:\n    image: busybox:1.36\n    privilegd: true\n");
            Process proc = new ProcessBuilder(findDclint(), "--no-color", bad.toString()).redirectErrorStream(true)
                    .start();
            proc.getOutputStream().close();
            String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(proc.waitFor(120, TimeUnit.SECONDS));
            assertTrue(proc.exitValue() != 0 && out.contains("invalid-schema"),
                    "dclint accepted a compose file with an unknown service key:\n" + out);
        } finally {
            Files.deleteIfExists(bad);
        }
    }

    @Test
    void dockerfilesPassDockerfileUtilsLint() throws Exception {
        // dockerfile-utils (npm; the linter of the Dockerfile language server) checks instructions, flags and
        // arguments: what `docker build` would reject before running anything
        String lint = NpmTools.require(deploy, "DOCKERFILE_UTILS", "dockerfile-utils");
        List<Path> files;
        try (Stream<Path> s = Files.walk(deploy.resolve("docker"))) {
            files = s.filter(f -> f.getFileName().toString().matches("(.+\\.)?Dockerfile")).sorted().toList();
        }
        assertFalse(files.isEmpty(), "no Dockerfile under deploy/docker");
        for (Path f : files) {
            Process proc = new ProcessBuilder(lint, "lint", f.toString()).redirectErrorStream(true).start();
            proc.getOutputStream().close();
            String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(proc.waitFor(120, TimeUnit.SECONDS), "dockerfile-utils did not finish in 120 s");
            assertTrue(proc.exitValue() == 0 && out.isBlank(), repo.relativize(f) + ": dockerfile-utils lint:\n" + out);
        }
    }

    static String findDclint() {
        return NpmTools.require(deploy, "DCLINT", "dclint");
    }

    // ------------------------------------------------------------------------------------------ environment

    @TestFactory
    Stream<DynamicTest> everyYolostreamVariableIsDeclaredByTheServicesConfig() throws Exception {
        Map<String, ConfigSchema> schemas = configSchemas();
        assertTrue(schemas.containsKey("ingest") && schemas.containsKey("detect"),
                "expected IngestConfig and DetectConfig on the class path, found schemas " + schemas.keySet());
        List<DynamicTest> tests = new ArrayList<>();
        for (Map.Entry<Path, Map<String, Object>> doc : documents.entrySet()) {
            for (Map.Entry<String, Object> svc : services(doc.getValue()).entrySet()) {
                String name = svc.getKey();
                Map<String, Object> service = map(svc.getValue());
                Path file = doc.getKey();
                tests.add(DynamicTest.dynamicTest(deploy.relativize(file) + " " + name,
                        () -> checkVariables(file, name, service, schemas)));
            }
        }
        return tests.stream();
    }

    static void checkVariables(Path file, String name, Map<String, Object> service, Map<String, ConfigSchema> schemas)
            throws IOException {
        Map<String, String> vars = new LinkedHashMap<>(environment(service));
        for (Path envFile : envFiles(file, service)) {
            vars.putAll(readEnvFile(envFile));
        }
        List<String> ours = vars.keySet().stream().filter(k -> k.startsWith("YOLOSTREAM_"))
                .filter(k -> !LAUNCHER_VARIABLES.contains(k)).toList();
        if (ours.isEmpty()) {
            return;
        }
        String command = yolostreamCommand(name, service);
        assertNotNull(command, deploy.relativize(file) + ": service " + name + " sets " + ours
                + " but runs no yolostream service command (ingest, detect, sinks)");
        ConfigSchema schema = schemas.get(command);
        // deploy depends on every service module, so each service's config class must be found
        assertNotNull(schema, "no config class with SCHEMA for service '" + command
                + "' on deploy's test class path (found " + schemas.keySet() + "); not checked: " + ours);
        Set<String> declared = new TreeSet<>();
        for (ConfigKey<?> k : schema.keys()) {
            declared.add(k.envName(schema.service()));
        }
        List<String> unknown = ours.stream().filter(k -> !declared.contains(k)).toList();
        assertTrue(unknown.isEmpty(), deploy.relativize(file) + ": service " + name + " (yolostream " + command
                + ") sets " + unknown + ", which its config class does not declare; declared: " + declared);
    }

    /** The yolostream subcommand a service runs: its command's first word, else the base file's. */
    static String yolostreamCommand(String name, Map<String, Object> service) {
        Object command = service.get("command");
        if (command == null) {
            command = map(services(base).get(name)).get("command");
        }
        String first = command instanceof List<?> l && !l.isEmpty() ? String.valueOf(l.get(0))
                : command instanceof String s ? s.strip().split("\\s+")[0] : null;
        return first != null && Set.of("ingest", "detect", "sinks").contains(first) ? first : null;
    }

    /** Every *Config class under io.yolostream on the class path with a static ConfigSchema SCHEMA, by service. */
    static Map<String, ConfigSchema> configSchemas() throws IOException, URISyntaxException {
        ClassLoader loader = ComposeFileTest.class.getClassLoader();
        Set<String> classNames = new TreeSet<>();
        Enumeration<URL> roots = loader.getResources("io/yolostream/");
        while (roots.hasMoreElements()) {
            URL url = roots.nextElement();
            if (url.getProtocol().equals("file")) {
                Path root = Path.of(url.toURI());
                Path classRoot = root.getParent().getParent();
                try (Stream<Path> s = Files.walk(root)) {
                    s.map(p -> classRoot.relativize(p).toString().replace(File.separatorChar, '/'))
                            .filter(ComposeFileTest::isConfigClass).forEach(n -> classNames.add(className(n)));
                }
            } else if (url.getProtocol().equals("jar")) {
                JarURLConnection conn = (JarURLConnection) url.openConnection();
                conn.setUseCaches(false);
                try (JarFile jar = conn.getJarFile()) {
                    jar.stream().map(JarEntry::getName).filter(ComposeFileTest::isConfigClass)
                            .forEach(n -> classNames.add(className(n)));
                }
            }
        }
        Map<String, ConfigSchema> schemas = new LinkedHashMap<>();
        for (String cn : classNames) {
            Class<?> c;
            try {
                c = Class.forName(cn, false, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                continue;
            }
            for (Field f : c.getDeclaredFields()) {
                if (f.getName().equals("SCHEMA") && Modifier.isStatic(f.getModifiers())
                        && ConfigSchema.class.isAssignableFrom(f.getType()) && Modifier.isPublic(f.getModifiers())) {
                    try {
                        ConfigSchema s = (ConfigSchema) f.get(null);
                        schemas.put(s.service(), s);
                    } catch (IllegalAccessException e) {
                        throw new AssertionError(e);
                    }
                }
            }
        }
        return schemas;
    }

    private static boolean isConfigClass(String entry) {
        return entry.startsWith("io/yolostream/") && entry.endsWith("Config.class") && !entry.contains("$");
    }

    private static String className(String entry) {
        return entry.substring(0, entry.length() - ".class".length()).replace('/', '.');
    }

    @Test
    void envFilesAreTemplatesWithoutValues() throws IOException {
        for (Map.Entry<Path, Map<String, Object>> doc : documents.entrySet()) {
            for (Map.Entry<String, Object> svc : services(doc.getValue()).entrySet()) {
                for (Path f : envFiles(doc.getKey(), map(svc.getValue()))) {
                    if (!f.getFileName().toString().endsWith(".example")) {
                        continue; // a developer's real secrets.env: not ours to read
                    }
                    readEnvFile(f).forEach((k, v) -> {
                        if (SECRET_NAME.matcher(k).matches()) {
                            assertTrue(v.isEmpty(), deploy.relativize(f) + ": " + k
                                    + " must be empty in the committed template, found a value");
                        }
                    });
                    String real = f.getFileName().toString().replaceFirst("\\.example$", "");
                    Path gitignore = f.resolveSibling(".gitignore");
                    assertTrue(Files.exists(gitignore) && Files.readAllLines(gitignore).contains(real),
                            deploy.relativize(gitignore) + " must ignore " + real + " (the real secrets file)");
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------ security

    @Test
    void noServiceIsPrivilegedOrRoot() {
        for (Map.Entry<Path, Map<String, Object>> doc : documents.entrySet()) {
            services(doc.getValue()).forEach((name, svc) -> {
                Map<String, Object> s = map(svc);
                String where = deploy.relativize(doc.getKey()) + ": service " + name;
                assertFalse(Boolean.TRUE.equals(s.get("privileged")) || "true".equals(String.valueOf(s.get(
                        "privileged"))), where + " is privileged");
                for (Object cap : list(s.get("cap_add"))) {
                    String c = String.valueOf(cap).toUpperCase(Locale.ROOT);
                    assertFalse(c.equals("ALL") || c.contains("SYS_ADMIN"), where + " adds capability " + c);
                }
                assertFalse("host".equals(s.get("pid")) || "host".equals(s.get("network_mode"))
                        || "host".equals(s.get("ipc")), where + " shares a host namespace");
                Object user = s.get("user");
                if (user != null) {
                    String u = String.valueOf(user).split(":")[0];
                    assertFalse(u.equals("root") || u.equals("0"), where + " runs as root");
                }
                for (Object v : list(s.get("volumes"))) {
                    String src = v instanceof String str ? str.split(":")[0] : String.valueOf(map(v).get("source"));
                    assertFalse(src.endsWith("docker.sock"), where + " mounts the Docker socket");
                }
            });
        }
    }

    @Test
    void noSecretLiteralsInComposeFiles() throws IOException {
        for (Map.Entry<Path, Map<String, Object>> doc : documents.entrySet()) {
            String where = deploy.relativize(doc.getKey()).toString();
            services(doc.getValue()).forEach((name, svc) -> environment(map(svc)).forEach((k, v) -> {
                if (SECRET_NAME.matcher(k).matches()) {
                    assertTrue(v.isEmpty() || PURE_REFERENCE.matcher(v).matches(), where + ": service " + name
                            + " sets " + k + " to a literal value; put it in an env_file (docker/secrets.env)");
                }
            }));
            String text = Files.readString(doc.getKey());
            Matcher m = URL_WITH_PASSWORD.matcher(text);
            if (m.find()) {
                fail(where + ": a URL with a password: " + m.group() + "...");
            }
            Matcher defaults = INTERPOLATION.matcher(text);
            while (defaults.find()) {
                if (SECRET_NAME.matcher(defaults.group(1)).matches()) {
                    assertTrue(defaults.group(2) == null || defaults.group(2).isEmpty()
                                    || defaults.group().contains("?"),
                            where + ": " + defaults.group() + " gives a secret a default value");
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------ images

    @Test
    void builtImagesRunAsNonRootWithAHealthcheck() throws IOException {
        int checked = 0;
        for (Map.Entry<Path, Map<String, Object>> doc : documents.entrySet()) {
            for (Map.Entry<String, Object> svc : services(doc.getValue()).entrySet()) {
                Map<String, Object> build = effectiveBuild(svc.getKey(), map(svc.getValue()));
                if (build == null) {
                    continue;
                }
                String where = deploy.relativize(doc.getKey()) + ": service " + svc.getKey();
                Path context = deploy.resolve(String.valueOf(build.getOrDefault("context", "."))).normalize();
                Path dockerfile = context.resolve(String.valueOf(build.getOrDefault("dockerfile", "Dockerfile")));
                assertTrue(Files.isRegularFile(dockerfile), where + ": no Dockerfile at " + dockerfile);
                Dockerfile df = Dockerfile.parse(dockerfile);
                String target = (String) build.get("target");
                Dockerfile.Stage stage = target == null ? df.stages.get(df.stages.size() - 1) : df.stage(target);
                assertNotNull(stage, where + ": Dockerfile " + repo.relativize(dockerfile) + " has no stage " + target);
                String user = df.effective(stage, "USER");
                assertNotNull(user, where + ": stage " + stage.name + " sets no USER (the image would run as root)");
                String u = user.split(":")[0].strip();
                assertFalse(u.equals("root") || u.equals("0"), where + ": stage " + stage.name + " runs as " + user);
                String health = df.effective(stage, "HEALTHCHECK");
                assertTrue(health != null && !health.toUpperCase(Locale.ROOT).startsWith("NONE"),
                        where + ": stage " + stage.name + " has no HEALTHCHECK");
                assertTrue(health.contains("healthcheck") || health.contains("/health"),
                        where + ": the HEALTHCHECK does not hit /health: " + health);
                for (String copied : df.copySources()) {
                    assertTrue(Files.exists(context.resolve(copied)), where + ": the Dockerfile copies " + copied
                            + ", which is not in the build context " + context);
                }
                checked++;
            }
        }
        assertTrue(checked >= 3, "expected ingest, detector and sinks to be built from a Dockerfile");
    }

    @Test
    void dockerfilesBakeInNoSecrets() throws IOException {
        try (Stream<Path> s = Files.walk(deploy.resolve("docker"))) {
            for (Path p : s.filter(f -> f.getFileName().toString().matches("(.+\\.)?Dockerfile")).toList()) {
                for (Dockerfile.Stage st : Dockerfile.parse(p).stages) {
                    for (String[] ins : st.instructions) {
                        if (!ins[0].equals("ENV") && !ins[0].equals("ARG")) {
                            continue;
                        }
                        Matcher m = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=").matcher(ins[1]);
                        while (m.find()) {
                            assertFalse(SECRET_NAME.matcher(m.group(1)).matches(), repo.relativize(p) + ": "
                                    + ins[0] + " " + m.group(1) + " bakes a secret into the image");
                        }
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------ topology

    @Test
    void detectorScalesWithComposeScale() {
        Map<String, Object> detector = map(services(base).get("detector"));
        assertFalse(detector.containsKey("container_name"), "detector: a container_name prevents --scale");
        assertFalse(detector.containsKey("hostname"), "detector: a fixed hostname gives every replica one id");
        for (Map.Entry<Path, Map<String, Object>> doc : documents.entrySet()) {
            Map<String, Object> d = map(services(doc.getValue()).get("detector"));
            String where = deploy.relativize(doc.getKey()) + ": detector";
            assertFalse(d.containsKey("container_name"), where + " has a container_name");
            for (Object port : list(d.get("ports"))) {
                fail(where + " publishes port " + port + ": replicas would collide; scrape it inside the network");
            }
            assertFalse(environment(d).containsKey("YOLOSTREAM_DETECT_INSTANCE_ID"),
                    where + " fixes the instance id: every replica would share one transactional id");
        }
        // the replicas' ids then come from the host name, which Docker sets per container
        assertTrue(DetectConfig.INSTANCE_ID.defaultValue() == null || DetectConfig.INSTANCE_ID.defaultValue()
                .isBlank(), "DetectConfig's default instance id is no longer the host name");
        assertEquals("detect", yolostreamCommand("detector", detector));
        assertTrue(list(detector.get("volumes")).stream().map(String::valueOf).anyMatch(v -> v.startsWith("models:")),
                "detector: models come from the models volume");
        assertTrue(map(base.get("volumes")).containsKey("models"), "the models volume is declared");
    }

    @Test
    void theGpuOverrideReservesAGpuAndTheOtherFilesNone() {
        // no `!reset` is needed (Compose 1.29 cannot read it): the base file and the CPU override reserve nothing
        Map<String, Object> detector = map(services(base).get("detector"));
        assertEquals(null, path(detector, "deploy", "resources", "reservations", "devices"),
                "the base file's detector reserves no device (it must start on a machine without a GPU)");
        assertEquals("cpu", map(detector.get("build")).get("target"));

        Path cpuFile = deploy.resolve("docker-compose.cpu.yml");
        assertTrue(documents.containsKey(cpuFile), "deploy/docker-compose.cpu.yml missing");
        Map<String, Object> cpu = map(services(documents.get(cpuFile)).get("detector"));
        assertEquals(null, cpu.get("deploy"), "the CPU override reserves nothing");
        assertEquals("cpu", map(cpu.get("build")).get("target"));
        assertEquals("cpu", environment(cpu).get("YOLOSTREAM_DETECT_DEVICE"));

        Path gpuFile = deploy.resolve("docker-compose.gpu.yml");
        assertTrue(documents.containsKey(gpuFile), "deploy/docker-compose.gpu.yml missing");
        Map<String, Object> gpu = map(services(documents.get(gpuFile)).get("detector"));
        List<Object> devices = list(path(gpu, "deploy", "resources", "reservations", "devices"));
        assertEquals(1, devices.size(), "the GPU override reserves one device entry");
        Map<String, Object> device = map(devices.get(0));
        assertEquals("nvidia", device.get("driver"));
        assertTrue(list(device.get("capabilities")).contains("gpu"));
        assertEquals("gpu", map(gpu.get("build")).get("target"));
        assertTrue(environment(gpu).get("YOLOSTREAM_DETECT_DEVICE").contains("cuda"));
    }

    // ------------------------------------------------------------------------------------------ docker-compose 1.29

    @Test
    void composeFilesUseNothingDockerCompose129Rejects() {
        // Debian's docker-compose 1.29 (the Compose of these machines) rejects a top-level `name`, the long form of
        // env_file ({path, required}) and Compose v2's !reset / !override tags
        for (Map.Entry<Path, Map<String, Object>> doc : documents.entrySet()) {
            String where = deploy.relativize(doc.getKey()).toString();
            assertFalse(doc.getValue().containsKey("name"), where + ": a top-level name (Compose 1.29 rejects it)");
            assertFalse(containsReset(doc.getValue()), where + ": a !reset or !override tag (Compose 1.29 rejects it)");
            services(doc.getValue()).forEach((name, svc) -> {
                Object e = map(svc).get("env_file");
                for (Object entry : e instanceof String ? List.of(e) : list(e)) {
                    assertInstanceOf(String.class, entry, where + ": service " + name + " env_file " + entry
                            + ": the long form is Compose v2 only");
                }
            });
        }
    }

    private static boolean containsReset(Object o) {
        if (o instanceof Reset) {
            return true;
        }
        if (o instanceof Map<?, ?> m) {
            return m.values().stream().anyMatch(ComposeFileTest::containsReset);
        }
        return o instanceof List<?> l && l.stream().anyMatch(ComposeFileTest::containsReset);
    }

    @Test
    void dockerCompose129AcceptsEveryStack(@TempDir Path tmp) throws Exception {
        // the real parser: `docker-compose config -q` (a Docker engine is not needed) on a copy of deploy/ with the
        // secrets files made from their templates, as docker/secrets.sh does
        String compose = NpmTools.onPath("docker-compose");
        String why = "docker-compose not installed (apt-get install docker-compose; .ci/run does)";
        if ("true".equals(System.getenv("CI"))) {
            assertNotNull(compose, why);
        }
        Assumptions.assumeTrue(compose != null, why);
        Path copy = tmp.resolve("repo/deploy");
        copyTree(deploy.resolve("docker"), copy.resolve("docker"));
        for (Path f : composeFiles) {
            Files.copy(f, copy.resolve(f.getFileName()));
        }
        try (Stream<Path> s = Files.list(copy.resolve("docker"))) {
            for (Path example : s.filter(f -> f.getFileName().toString().endsWith(".secrets.env.example")).toList()) {
                Path real = example.resolveSibling(example.getFileName().toString().replaceFirst("\\.example$", ""));
                Files.copy(example, real, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        List<List<String>> stacks = List.of(List.of(), List.of("docker-compose.cpu.yml"),
                List.of("docker-compose.gpu.yml"), List.of("docker-compose.cpu.yml", "docker-compose.local.yml"),
                List.of("docker-compose.cpu.yml", "docker-compose.cluster.yml"),
                List.of("docker-compose.cpu.yml", "docker-compose.local.yml", "docker-compose.cluster.yml"));
        for (List<String> overrides : stacks) {
            List<String> cmd = new ArrayList<>(List.of(compose, "-f", "docker-compose.yml"));
            overrides.forEach(o -> cmd.addAll(List.of("-f", o)));
            cmd.addAll(List.of("config", "-q"));
            String out = exec(copy, cmd);
            assertTrue(out.startsWith("exit 0"), String.join(" ", cmd.subList(1, cmd.size())) + ":\n" + out);
        }
        // and it does reject what it cannot read
        Files.writeString(copy.resolve("docker-compose.bad.yml"),
                "services:\n  detector:\n    deploy:\n      resources:\n        reservations:\n"
                        + "          devices: !reset []\n");
        String out = exec(copy, List.of(compose, "-f", "docker-compose.yml", "-f", "docker-compose.bad.yml", "config",
                "-q"));
        assertFalse(out.startsWith("exit 0"), "docker-compose accepted a !reset tag:\n" + out);
        System.out.println("docker-compose (" + compose + ") accepts " + stacks.size() + " stacks");
    }

    private static String exec(Path dir, List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), cmd + " did not finish in 120 s");
        return "exit " + p.exitValue() + "\n" + out;
    }

    /** Copies deploy/docker, less a developer's local media (videos/, models/: possibly large, never needed here). */
    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.filter(f -> !f.startsWith(from.resolve("videos")) && !f.startsWith(from.resolve("models")))
                    .toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------ builds anywhere

    @Test
    void dockerfilesNeedNoRegistryTheyWereNotPointedAt() throws IOException {
        Pattern publicDefault = Pattern.compile("[a-z0-9./-]+:[\\w.-]+");
        try (Stream<Path> s = Files.walk(deploy.resolve("docker"))) {
            for (Path p : s.filter(f -> f.getFileName().toString().matches("(.+\\.)?Dockerfile")).sorted().toList()) {
                String where = repo.relativize(p).toString();
                List<String> lines = Files.readAllLines(p);
                // a `# syntax=` directive makes BuildKit pull its frontend image before the first step
                assertFalse(lines.stream().anyMatch(l -> l.matches("(?i)#\\s*syntax\\s*=.*")), where
                        + ": a # syntax= line (BuildKit would pull the frontend from a registry)");
                Map<String, String> args = new LinkedHashMap<>();
                Matcher m = Pattern.compile("(?m)^ARG\\s+(\\w+)=(\\S+)").matcher(String.join("\n", lines));
                while (m.find()) {
                    args.put(m.group(1), m.group(2));
                }
                Dockerfile df = Dockerfile.parse(p);
                Set<String> stages = new LinkedHashSet<>();
                for (Dockerfile.Stage st : df.stages) {
                    Matcher ref = Pattern.compile("\\$\\{(\\w+)}").matcher(st.from());
                    if (ref.matches()) {
                        String def = args.get(ref.group(1));
                        assertNotNull(def, where + ": FROM " + st.from() + " has no ARG default");
                        assertTrue(publicDefault.matcher(def).matches(), where + ": ARG " + ref.group(1) + "=" + def);
                    } else {
                        assertTrue(stages.contains(st.from()), where + ": FROM " + st.from()
                                + " is neither an earlier stage nor a build argument (base images are build arguments)");
                    }
                    stages.add(st.name());
                }
            }
        }
        // the yolostream images' last stages install nothing: no network needed, no CA certificate to bake in
        Dockerfile df = Dockerfile.parse(deploy.resolve("docker/Dockerfile"));
        for (String target : List.of("cpu", "gpu")) {
            for (String[] ins : df.stage(target).instructions()) {
                assertFalse(ins[0].equals("RUN") && ins[1].matches("(?s).*\\b(apt-get|apt|curl|wget)\\b.*"),
                        "stage " + target + " downloads: " + ins[1]);
                assertFalse(ins[1].contains("ca-certificates/") || ins[1].contains("secrets/ca"),
                        "stage " + target + " touches the build's extra CA certificates: " + ins[1]);
            }
        }
    }

    @Test
    void theImageCopiesDeployPomsDistributionFolder() throws IOException {
        // deploy/pom.xml declares where `package` puts the launcher's jars; build-dist.sh copies that folder
        Matcher lib = Pattern.compile("<yolostream.lib>\\$\\{project.build.directory}/([^<]+)</yolostream.lib>")
                .matcher(Files.readString(deploy.resolve("pom.xml")));
        assertTrue(lib.find(), "deploy/pom.xml: no <yolostream.lib>${project.build.directory}/...</yolostream.lib>");
        String expected = "deploy/target/" + lib.group(1);
        Matcher script = Pattern.compile("(?m)^lib=(\\S+)$").matcher(Files.readString(deploy.resolve(
                "docker/build-dist.sh")));
        assertTrue(script.find(), "deploy/docker/build-dist.sh: no lib=... line");
        assertEquals(expected, script.group(1), "build-dist.sh copies another folder than deploy/pom.xml fills");
    }

    @Test
    void everyKafkaImageIsTheProjectsKafkaRelease() throws IOException {
        Pattern version = Pattern.compile("<kafka.version>([^<]+)</kafka.version>");
        Matcher project = version.matcher(Files.readString(repo.resolve("pom.xml")));
        assertTrue(project.find(), "pom.xml: no kafka.version");
        Matcher local = version.matcher(Files.readString(deploy.resolve("docker/local/kafka/pom.xml")));
        assertTrue(local.find(), "deploy/docker/local/kafka/pom.xml: no kafka.version");
        assertEquals(project.group(1), local.group(1), "the local Kafka stand-in's release");
        assertEquals("apache/kafka:" + project.group(1), map(services(base).get("kafka")).get("image"),
                "the official image's tag");
        Map<String, Object> localFile = documents.get(deploy.resolve("docker-compose.local.yml"));
        assertNotNull(localFile, "deploy/docker-compose.local.yml missing");
        assertEquals("yolostream-local/kafka:" + project.group(1), map(services(localFile).get("kafka")).get("image"),
                "the stand-in's tag (local-images.sh tags it with its pom's kafka.version)");
    }

    @Test
    void kafkaIsASingleNodeKraftBrokerThatSupportsTransactions() {
        Map<String, Object> kafka = map(services(base).get("kafka"));
        assertTrue(String.valueOf(kafka.get("image")).startsWith("apache/kafka:"), "the official apache/kafka image");
        Map<String, String> env = environment(kafka);
        assertEquals("broker,controller", env.get("KAFKA_PROCESS_ROLES"));
        for (String k : List.of("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR",
                "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR")) {
            assertEquals("1", env.get(k), k + " must be 1 on a single broker (exactly-once needs the transaction log)");
        }
        String dataDir = env.get("KAFKA_LOG_DIRS");
        assertNotNull(dataDir);
        assertTrue(list(kafka.get("volumes")).stream().map(String::valueOf)
                .anyMatch(v -> v.matches("[\\w-]+:" + Pattern.quote(dataDir))), "kafka's log dir is a named volume");
        // every client service talks to the broker by its service name
        for (String svc : List.of("ingest", "detector", "sinks")) {
            Map<String, String> e = environment(map(services(base).get(svc)));
            assertTrue(e.entrySet().stream().anyMatch(x -> x.getKey().endsWith("_BOOTSTRAP_SERVERS")
                    && x.getValue().equals("kafka:9092")), svc + " must use kafka:9092");
        }
    }

    @Test
    void longRunningServicesHaveHealthchecksAndRestartPolicies() {
        Set<String> oneShots = new TreeSet<>();
        services(base).forEach((name, svc) -> map(map(svc).get("depends_on")).forEach((dep, how) -> {
            if ("service_completed_successfully".equals(map(how).get("condition"))) {
                oneShots.add(dep);
            }
        }));
        assertEquals(Set.of("model-init"), oneShots, "the one-shot services (others wait for them to complete)");
        services(base).forEach((name, svc) -> {
            Map<String, Object> s = map(svc);
            if (s.containsKey("profiles") || oneShots.contains(name)) {
                return; // one-off tools (`docker compose run`) and one-shots at `up` (model-init)
            }
            assertTrue(s.containsKey("healthcheck"), name + ": no healthcheck");
            assertTrue(Set.of("always", "unless-stopped", "on-failure").stream()
                    .anyMatch(p -> String.valueOf(s.get("restart")).startsWith(p)), name + ": no restart policy");
        });
        for (String svc : List.of("ingest", "detector", "sinks")) {
            String test = String.valueOf(map(map(services(base).get(svc)).get("healthcheck")).get("test"));
            assertTrue(test.contains("/health"), svc + ": the healthcheck must hit /health, found " + test);
        }
        assertTrue(services(base).containsKey("demo-camera"), "a demo camera service");
    }

    @Test
    void boundFilesOfTheRepositoryExist() {
        for (Map.Entry<Path, Map<String, Object>> doc : documents.entrySet()) {
            services(doc.getValue()).forEach((name, svc) -> {
                for (Object v : list(map(svc).get("volumes"))) {
                    String src = v instanceof String s ? s.split(":")[0] : String.valueOf(map(v).get("source"));
                    if (src.startsWith(".") && !src.contains("$")) {
                        assertTrue(Files.exists(deploy.resolve(src)), deploy.relativize(doc.getKey()) + ": service "
                                + name + " mounts " + src + ", which does not exist");
                    }
                }
            });
        }
    }

    // ------------------------------------------------------------------------------------------ helpers

    static Path findDeployDir() {
        Path here = Path.of("").toAbsolutePath();
        for (Path p : List.of(here, here.resolve("deploy"))) {
            if (Files.isRegularFile(p.resolve("docker-compose.yml")) && Files.isDirectory(p.resolve("docker"))) {
                return p;
            }
        }
        throw new AssertionError("run from the deploy module or the repository root; cwd " + here);
    }

    /** Compose's {@code !reset} / {@code !override} tags, kept so tests can see them. */
    record Reset(Object value) {
    }

    static Map<String, Object> yaml(Path p) throws IOException {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        SafeConstructor constructor = new SafeConstructor(options) {
            {
                AbstractConstruct tagged = new AbstractConstruct() {
                    @Override
                    public Object construct(Node node) {
                        Object v = node instanceof ScalarNode s ? constructScalar(s)
                                : node instanceof SequenceNode q ? constructSequence(q)
                                : constructMapping((MappingNode) node);
                        return new Reset(v);
                    }
                };
                this.yamlConstructors.put(new org.yaml.snakeyaml.nodes.Tag("!reset"), tagged);
                this.yamlConstructors.put(new org.yaml.snakeyaml.nodes.Tag("!override"), tagged);
            }
        };
        Object doc = new Yaml(constructor).load(Files.readString(p));
        return map(doc);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : new LinkedHashMap<>();
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object o) {
        return o instanceof List<?> l ? (List<Object>) l : List.of();
    }

    static Object path(Map<String, Object> m, String... keys) {
        Object cur = m;
        for (String k : keys) {
            cur = map(cur).get(k);
        }
        return cur;
    }

    static Map<String, Object> services(Map<String, Object> doc) {
        return map(doc.get("services"));
    }

    /** A service's environment, map or list form, values as strings ("" for a bare name). */
    static Map<String, String> environment(Map<String, Object> service) {
        Map<String, String> env = new LinkedHashMap<>();
        Object e = service.get("environment");
        if (e instanceof Map<?, ?> m) {
            m.forEach((k, v) -> env.put(String.valueOf(k), v == null ? "" : String.valueOf(v)));
        } else {
            for (Object item : list(e)) {
                String s = String.valueOf(item);
                int eq = s.indexOf('=');
                env.put(eq < 0 ? s : s.substring(0, eq), eq < 0 ? "" : s.substring(eq + 1));
            }
        }
        return env;
    }

    /** The env files a service reads; one not in the repository is read from its committed .example. */
    static List<Path> envFiles(Path composeFile, Map<String, Object> service) {
        Object e = service.get("env_file");
        List<Object> entries = e instanceof String ? List.of(e) : list(e);
        List<Path> files = new ArrayList<>();
        for (Object entry : entries) {
            String p = entry instanceof String s ? s : String.valueOf(map(entry).get("path"));
            Path f = composeFile.getParent().resolve(p).normalize();
            Path example = f.resolveSibling(f.getFileName() + ".example");
            assertTrue(Files.isRegularFile(example) || Files.isRegularFile(f), deploy.relativize(composeFile)
                    + ": env_file " + p + " has no committed template " + deploy.relativize(example));
            files.add(Files.isRegularFile(example) ? example : f);
        }
        return files;
    }

    static Map<String, String> readEnvFile(Path f) throws IOException {
        Map<String, String> vars = new LinkedHashMap<>();
        for (String line : Files.readAllLines(f)) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            int eq = l.indexOf('=');
            vars.put(eq < 0 ? l : l.substring(0, eq).strip(), eq < 0 ? "" : l.substring(eq + 1).strip());
        }
        return vars;
    }

    /** The build section of a service, an override's merged over the base file's. */
    static Map<String, Object> effectiveBuild(String name, Map<String, Object> service) {
        Object own = service.get("build");
        Object fromBase = map(services(base).get(name)).get("build");
        if (own == null && fromBase == null) {
            return null;
        }
        Map<String, Object> b = new LinkedHashMap<>();
        for (Object o : List.of(fromBase == null ? Map.of() : fromBase, own == null ? Map.of() : own)) {
            if (o instanceof String s) {
                b.put("context", s);
            } else {
                b.putAll(map(o));
            }
        }
        return b;
    }

    /** Just enough of a Dockerfile parser: stages, their base, and instructions (continuations joined). */
    static final class Dockerfile {
        record Stage(String name, String from, List<String[]> instructions) {
        }

        final List<Stage> stages = new ArrayList<>();

        static Dockerfile parse(Path p) throws IOException {
            Dockerfile df = new Dockerfile();
            StringBuilder cur = new StringBuilder();
            List<String> logical = new ArrayList<>();
            for (String raw : Files.readAllLines(p)) {
                String line = raw.strip();
                if (cur.length() == 0 && (line.isEmpty() || line.startsWith("#"))) {
                    continue;
                }
                if (line.startsWith("#")) {
                    continue; // comment inside a continued instruction
                }
                if (line.endsWith("\\")) {
                    cur.append(line, 0, line.length() - 1).append(' ');
                    continue;
                }
                cur.append(line);
                logical.add(cur.toString().strip());
                cur.setLength(0);
            }
            Stage stage = null;
            for (String l : logical) {
                String[] parts = l.split("\\s+", 2);
                String op = parts[0].toUpperCase(Locale.ROOT);
                String args = parts.length > 1 ? parts[1] : "";
                if (op.equals("FROM")) {
                    String[] f = args.replaceAll("--platform=\\S+\\s+", "").split("\\s+");
                    String name = f.length >= 3 && f[1].equalsIgnoreCase("AS") ? f[2] : "#" + df.stages.size();
                    stage = new Stage(name, f[0], new ArrayList<>());
                    df.stages.add(stage);
                } else if (stage != null) {
                    stage.instructions.add(new String[]{op, args});
                }
            }
            return df;
        }

        Stage stage(String name) {
            return stages.stream().filter(s -> s.name.equals(name)).findFirst().orElse(null);
        }

        /** The last value of an instruction in a stage or the stages it is built FROM (null: never set here). */
        String effective(Stage s, String op) {
            Set<String> seen = new LinkedHashSet<>();
            while (s != null && seen.add(s.name)) {
                for (int i = s.instructions.size() - 1; i >= 0; i--) {
                    if (s.instructions.get(i)[0].equals(op)) {
                        return s.instructions.get(i)[1];
                    }
                }
                s = stage(s.from);
            }
            return null;
        }

        /** Sources of COPY/ADD instructions that read the build context (not --from another stage or image). */
        List<String> copySources() {
            List<String> out = new ArrayList<>();
            for (Stage s : stages) {
                for (String[] ins : s.instructions) {
                    if (!(ins[0].equals("COPY") || ins[0].equals("ADD")) || ins[1].contains("--from=")) {
                        continue;
                    }
                    List<String> words = new ArrayList<>(List.of(ins[1].split("\\s+")));
                    words.removeIf(w -> w.startsWith("--"));
                    for (String w : words.subList(0, Math.max(0, words.size() - 1))) {
                        if (!w.equals(".") && !w.contains("*") && !w.contains("$")) {
                            out.add(w);
                        }
                    }
                }
            }
            return out;
        }
    }
}
