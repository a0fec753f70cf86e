package io.yolostream.deploy;

import io.yolostream.deploy.cli.YolostreamCommand;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README and docs/ stay true: every relative link reaches a file (and, with {@code #anchor}, a heading of it),
 * and every {@code ./yolostream COMMAND --option} in their shell blocks is a command with that option.
 */
class DocsTest {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    /** {@code ./yolostream CMD ...} anywhere, or {@code yolostream CMD ...} starting a line of a shell block. */
    private static final Pattern INVOCATION = Pattern.compile(
            "(?:\\./|(?m:^)\\s*)yolostream ([a-z][a-z0-9-]*)((?: [^#|\\n]*)?)");

    static List<Path> pages() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        return pages;
    }

    @Test
    void everyRelativeLinkReachesAFileAndItsHeading() throws IOException {
        List<String> broken = new ArrayList<>();
        for (Path page : pages()) {
            Matcher m = LINK.matcher(withoutCodeBlocks(Files.readString(page)));
            while (m.find()) {
                String target = m.group(1);
                if (target.matches("^[a-z]+:.*")) {
                    continue; // http(s), mailto: not checked offline
                }
                String file = target.contains("#") ? target.substring(0, target.indexOf('#')) : target;
                String anchor = target.contains("#") ? target.substring(target.indexOf('#') + 1) : null;
                Path resolved = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
                if (!Files.exists(resolved)) {
                    broken.add(ROOT.relativize(page) + ": " + target + " (no such file)");
                } else if (anchor != null && resolved.toString().endsWith(".md")
                        && !anchors(resolved).contains(anchor)) {
                    broken.add(ROOT.relativize(page) + ": " + target + " (no such heading)");
                }
            }
        }
        assertTrue(broken.isEmpty(), "broken links:\n" + String.join("\n", broken));
    }

    @Test
    void everyCommandAndOptionTheDocsShowExists() throws IOException {
        CommandLine cli = YolostreamCommand.commandLine();
        List<String> wrong = new ArrayList<>();
        int checked = 0;
        for (Path page : pages()) {
            for (String block : shellBlocks(Files.readString(page))) {
                String joined = block.replace("\\\n", " ");
                Matcher m = INVOCATION.matcher(joined);
                while (m.find()) {
                    checked++;
                    CommandLine sub = cli.getSubcommands().get(m.group(1));
                    if (sub == null) {
                        wrong.add(ROOT.relativize(page) + ": ./yolostream " + m.group(1) + " (no such command)");
                        continue;
                    }
                    CommandSpec spec = sub.getCommandSpec();
                    Matcher opt = Pattern.compile("(?<=\\s|^)(--[a-z][a-z0-9-]*)").matcher(m.group(2));
                    while (opt.find()) {
                        String name = opt.group(1);
                        CommandSpec s = spec;
                        // a nested subcommand (models list) takes its own options
                        for (String word : m.group(2).trim().split("\\s+")) {
                            if (s.subcommands().containsKey(word)) {
                                s = s.subcommands().get(word).getCommandSpec();
                            }
                        }
                        if (s.findOption(name) == null && !name.equals("--help")) {
                            wrong.add(ROOT.relativize(page) + ": ./yolostream " + m.group(1) + " " + name
                                    + " (no such option)");
                        }
                    }
                }
            }
        }
        assertTrue(checked >= 15, "expected the docs to show commands, found " + checked);
        assertTrue(wrong.isEmpty(), "the docs show what the CLI does not have:\n" + String.join("\n", wrong));
    }

    /** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
    static Set<String> anchors(Path md) throws IOException {
        Set<String> out = new HashSet<>();
        boolean fence = false;
        for (String line : Files.readAllLines(md)) {
            if (line.startsWith("```")) {
                fence = !fence;
            } else if (!fence && line.matches("^#{1,6} .*")) {
                String t = line.replaceFirst("^#+ ", "").strip().toLowerCase(Locale.ROOT);
                out.add(t.replaceAll("[^\\p{L}\\p{N}\\- _]", "").replace(' ', '-'));
            }
        }
        return out;
    }

    static String withoutCodeBlocks(String md) {
        return md.replaceAll("(?s)```.*?```", "").replaceAll("`[^`\\n]*`", "");
    }

    static List<String> shellBlocks(String md) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("(?s)```(?:sh|bash|shell)\\n(.*?)```").matcher(md);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }
}
