package io.yolostream.detector.opencv;

import io.yolostream.detector.model.ModelException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A darknet cfg's text with just enough parsing for {@link OpenCvDarknetNet}: find and drop a trailing
 * {@code [region]} section, and read a key of the last section. (The full cfg model lives in the darknet package.)
 */
record DarknetCfgText(String text) {
    static DarknetCfgText read(Path cfgFile) {
        try {
            return new DarknetCfgText(Files.readString(cfgFile, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ModelException("darknet cfg " + cfgFile + ": expected a readable text file, found "
                    + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    DarknetCfgText withoutTrailingRegion() {
        int start = lastSectionStart();
        return start >= 0 && "region".equals(sectionNameAt(start)) ? new DarknetCfgText(text.substring(0, start))
                : this;
    }

    String lastSectionName() {
        int start = lastSectionStart();
        return start < 0 ? "(no section)" : sectionNameAt(start);
    }

    int lastSectionInt(String key, Path cfgFile) {
        int start = lastSectionStart();
        for (String line : text.substring(Math.max(0, start)).split("\\R")) {
            String l = line.strip();
            int eq = l.indexOf('=');
            if (eq > 0 && l.substring(0, eq).strip().equals(key)) {
                try {
                    return Integer.parseInt(l.substring(eq + 1).strip());
                } catch (NumberFormatException e) {
                    throw new ModelException("darknet cfg " + cfgFile + ": expected an integer " + key + "= in the"
                            + " last [" + lastSectionName() + "], found '" + l + "'");
                }
            }
        }
        throw new ModelException("darknet cfg " + cfgFile + ": expected " + key + "= in the last ["
                + lastSectionName() + "], found none");
    }

    /** Offset of the last line that opens a section ("[name]"); -1 if none. Comment lines start with '#' or ';'. */
    private int lastSectionStart() {
        int found = -1;
        int pos = 0;
        for (String line : text.split("\n", -1)) {
            if (line.strip().startsWith("[")) {
                found = pos;
            }
            pos += line.length() + 1;
        }
        return found;
    }

    private String sectionNameAt(int start) {
        String line = text.substring(start).lines().findFirst().orElse("").strip();
        int close = line.indexOf(']');
        return (close > 1 ? line.substring(1, close) : line.substring(1)).strip();
    }
}
