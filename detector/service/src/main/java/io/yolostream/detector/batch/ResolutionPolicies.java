package io.yolostream.detector.batch;

import java.util.Objects;

/** Builds a policy from its config spec, so the service has one switch and one error message. */
public final class ResolutionPolicies {
    public static final String DEFAULT_SPEC = "adaptive";

    private ResolutionPolicies() {
    }

    /**
     * {@code "fixed:N"} or {@code "adaptive"} (case-insensitive). The ladder, costs and settings are used by
     * {@code adaptive} only.
     */
    public static ResolutionPolicy parse(String spec, ResolutionLadder ladder, CostModel costs,
                                         AdaptiveResolution.Settings settings) {
        String s = spec == null ? "" : spec.trim();
        if (s.equalsIgnoreCase(AdaptiveResolution.NAME)) {
            return new AdaptiveResolution(Objects.requireNonNull(ladder, "ladder"),
                    Objects.requireNonNull(costs, "costs"), Objects.requireNonNull(settings, "settings"));
        }
        if (s.regionMatches(true, 0, FixedResolution.PREFIX, 0, FixedResolution.PREFIX.length())) {
            return FixedResolution.parse(s);
        }
        throw new IllegalArgumentException("resolution policy: expected fixed:N or adaptive, found '" + spec + "'");
    }
}
