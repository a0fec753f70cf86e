package io.yolostream.detector.darknet;

import io.yolostream.detector.model.ModelException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A darknet {@code .cfg} file read as darknet's {@code read_cfg} does: whitespace removed, lines starting with
 * '#' or ';' ignored, {@code [type]} opens a section, {@code key=value} adds to it.
 */
public record DarknetCfg(String source, String text, List<CfgSection> sections) {

    public static DarknetCfg read(Path file) {
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw new ModelException("cfg file " + file + ": cannot read it: " + e.getMessage(), e);
        }
    }

    public static DarknetCfg parse(String text, String source) {
        List<CfgSection> sections = new ArrayList<>();
        CfgSection current = null;
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int lineNo = i + 1;
            String line = lines[i].replaceAll("\\s+", "");
            if (line.isEmpty() || line.charAt(0) == '#' || line.charAt(0) == ';') {
                continue;
            }
            if (line.charAt(0) == '[') {
                if (!line.endsWith("]")) {
                    throw new ModelException(source + ":" + lineNo + ": expected a section header like"
                            + " '[convolutional]', found '" + lines[i].strip() + "'");
                }
                current = new CfgSection(source, line.substring(1, line.length() - 1), lineNo);
                sections.add(current);
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new ModelException(source + ":" + lineNo + ": expected 'key=value', found '"
                        + lines[i].strip() + "'");
            }
            if (current == null) {
                throw new ModelException(source + ":" + lineNo + ": expected a section header such as [net] before"
                        + " the first option, found '" + lines[i].strip() + "'");
            }
            current.put(line.substring(0, eq), line.substring(eq + 1), lineNo);
        }
        if (sections.isEmpty()) {
            throw new ModelException(source + ": expected a darknet cfg with a [net] section and layers, found no"
                    + " sections");
        }
        return new DarknetCfg(source, text, List.copyOf(sections));
    }
}
