package io.yolostream.sinks.hierarchy;

import io.yolostream.sinks.config.SinksConfig;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TopicNamesTest {
    @Test
    void namesAreLowercasedAndUnsafeCharactersReplaced() {
        assertEquals("norfolk_terrier", TopicNames.sanitize("Norfolk terrier"));
        assertEquals("jack-o_-lantern", TopicNames.sanitize("jack-o'-lantern"));
        assertEquals("caf__", TopicNames.sanitize("café!"));
        assertEquals("a.b_c", TopicNames.sanitize("A.b_c"));
    }

    @Test
    void longNamesAreCutWithAHashWithinKafkasLimit() {
        String name = "x".repeat(400);
        String topic = TopicNames.topic("detections", TopicNames.sanitize(name), name);
        assertEquals(TopicNames.MAX_TOPIC_LENGTH, topic.length());
        assertTrue(topic.endsWith("-" + TopicNames.hash8(name)), topic);
        assertTrue(topic.startsWith("detections.xxx"), topic);
    }

    @Test
    void collisionsAndReservedTopicsGetASuffix() {
        List<Subscription> subs = Subscriptions.resolve(List.of("Norfolk terrier", "norfolk_terrier", "counts",
                "dog", "DOG", "norfolk terrier"), Hierarchy.FLAT, "detections",
                Set.of("detections.counts", "detections"), new java.util.ArrayList<>());
        assertEquals(List.of("detections.norfolk_terrier",
                        "detections.norfolk_terrier." + TopicNames.hash8("norfolk_terrier"),
                        "detections.counts." + TopicNames.hash8("counts"), "detections.dog"),
                subs.stream().map(Subscription::topic).toList(),
                "the same name twice (any case) is one subscription");
    }

    @Test
    void theDefaultOutputsAreReservedInTheConfig() {
        SinksConfig c = SinksConfig.of("subscribe", "json,health,dlq,person");
        assertEquals(List.of("detections.json." + TopicNames.hash8("json"),
                "detections.health." + TopicNames.hash8("health"), "detections.dlq." + TopicNames.hash8("dlq"),
                "detections.person"), c.subscriptions().stream().map(Subscription::topic).toList());
    }
}
