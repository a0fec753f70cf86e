package io.yolostream.detector.batch;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResolutionPoliciesTest {
    private final ResolutionLadder ladder = ResolutionLadder.DEFAULT;
    private final CostModel costs = new CostModel(ladder, 4);

    private ResolutionPolicy parse(String spec) {
        return ResolutionPolicies.parse(spec, ladder, costs, AdaptiveResolution.Settings.DEFAULTS);
    }

    @Test
    void parsesFixed() {
        ResolutionPolicy p = parse("fixed:416");
        assertInstanceOf(FixedResolution.class, p);
        assertEquals("fixed:416", p.describe());
        assertEquals(416, p.choose(new BatchContext(8, 0, 10_000, 1_000, 500)), "whatever the load");
        assertEquals(640, ((FixedResolution) parse(" FIXED:640 ")).size(), "need not be on the ladder");
    }

    @Test
    void parsesAdaptive() {
        assertInstanceOf(AdaptiveResolution.class, parse("adaptive"));
        assertEquals("adaptive", parse(" Adaptive ").describe());
        assertInstanceOf(AdaptiveResolution.class, parse(ResolutionPolicies.DEFAULT_SPEC));
    }

    @Test
    void clearErrors() {
        assertMessage("expected fixed:N or adaptive, found 'dynamic'", "dynamic");
        assertMessage("expected fixed:N or adaptive, found 'null'", null);
        assertMessage("expected fixed:N or adaptive, found ''", "");
        assertMessage("found 'fixed:big'", "fixed:big");
        assertMessage("found 'fixed:'", "fixed:");
        assertMessage("multiple of 32, found 400", "fixed:400");
        assertMessage("multiple of 32, found -32", "fixed:-32");
    }

    private void assertMessage(String part, String spec) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse(spec));
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
