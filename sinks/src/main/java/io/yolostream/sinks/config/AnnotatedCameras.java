package io.yolostream.sinks.config;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which cameras the annotator draws ({@code annotate-cameras}): none ({@code off}), only the watched ones
 * ({@code watched}, the default), all ({@code *}), or a list (plus the watched ones).
 *
 * @param listed the listed cameras (empty for off, watched and all)
 */
public record AnnotatedCameras(boolean off, boolean all, Set<String> listed) {
    public static final AnnotatedCameras WATCHED = new AnnotatedCameras(false, false, Set.of());

    public static AnnotatedCameras parse(String spec, List<String> problems) {
        String s = spec == null ? "" : spec.strip();
        switch (s) {
            case "off", "none" -> {
                return new AnnotatedCameras(true, false, Set.of());
            }
            case "", "watched" -> {
                return WATCHED;
            }
            case "*", "all" -> {
                return new AnnotatedCameras(false, true, Set.of());
            }
            default -> {
                Set<String> ids = new LinkedHashSet<>();
                for (String id : s.split(",")) {
                    if (!id.isBlank()) {
                        ids.add(id.strip());
                    }
                }
                if (ids.contains("*") || ids.contains("off")) {
                    problems.add("annotate-cameras: expected 'watched', '*', 'off' or a list of camera ids, found '"
                            + spec + "'");
                }
                return new AnnotatedCameras(false, false, Set.copyOf(ids));
            }
        }
    }

    /** Whether {@code camera} is annotated by configuration (watched cameras come on top, see {@link Watchers}). */
    public boolean configured(String camera) {
        return !off && (all || listed.contains(camera));
    }
}
