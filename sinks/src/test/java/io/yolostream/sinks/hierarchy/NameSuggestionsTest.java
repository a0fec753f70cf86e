package io.yolostream.sinks.hierarchy;

import io.yolostream.wordtree.LabelNames;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NameSuggestionsTest {
    private static final List<String> NINE_K = LabelNames.shipped9k();

    @Test
    void typosOtherSpellingsPrefixesAndWordsOfTheNinekNames() {
        assertEquals("animal", NameSuggestions.closeTo("aminal", NINE_K).get(0));
        assertEquals("motor vehicle", NameSuggestions.closeTo("motor_vehicle", NINE_K).get(0));
        assertEquals("motor vehicle", NameSuggestions.closeTo("MotorVehicle", NINE_K).get(0));
        assertEquals("person", NameSuggestions.closeTo("persn", NINE_K).get(0));
        assertTrue(NameSuggestions.closeTo("norfolk", NINE_K).contains("Norfolk terrier"),
                NameSuggestions.closeTo("norfolk", NINE_K).toString());
        List<String> terriers = NameSuggestions.closeTo("terriers", NINE_K);
        assertEquals("terrier", terriers.get(0), terriers.toString());
        assertTrue(NameSuggestions.closeTo("zzzzqqqq", NINE_K).isEmpty());
        assertTrue(NameSuggestions.closeTo("ca", NINE_K).size() <= NameSuggestions.MAX);
    }

    @Test
    void eachNameOnceBestFirst() {
        List<String> s = NameSuggestions.closeTo("car", List.of("cart", "car", "cat", "car", "bar", "scar"));
        assertEquals("car", s.get(0));
        assertEquals(s.size(), s.stream().distinct().count(), s.toString());
        assertEquals(List.of("car", "bar", "cat", "cart", "scar"), s);
    }

    @Test
    void boundedDistance() {
        assertEquals(1, NameSuggestions.distance("persno", "person", 2), "a swap of neighbours is one edit");
        assertEquals(2, NameSuggestions.distance("aminal", "animal", 2));
        assertEquals(2, NameSuggestions.distance("aminal", "admiral", 2));
        assertEquals(3, NameSuggestions.distance("abc", "xyzabc", 2), "stops past the bound");
        assertEquals(0, NameSuggestions.distance("dog", "dog", 0));
    }
}
