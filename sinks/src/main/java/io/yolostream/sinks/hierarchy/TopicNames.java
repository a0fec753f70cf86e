package io.yolostream.sinks.hierarchy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The documented rule that turns a node name into the suffix of its topic {@code <prefix>.<suffix>}: lowercase
 * (ROOT locale), every character outside {@code [a-z0-9._-]} becomes {@code _} ("Norfolk terrier" →
 * {@code norfolk_terrier}), and a suffix that would make the topic longer than Kafka's 249 characters is cut and ends
 * with {@code -} + 8 hex digits of the name's SHA-256. Collisions between subscriptions are settled by
 * {@link Subscriptions}.
 */
public final class TopicNames {
    /** Kafka's limit on topic names. */
    public static final int MAX_TOPIC_LENGTH = 249;

    private TopicNames() {
    }

    public static String sanitize(String name) {
        String lower = name.strip().toLowerCase(Locale.ROOT);
        StringBuilder sb = new StringBuilder(lower.length());
        for (int i = 0; i < lower.length(); i++) {
            char ch = lower.charAt(i);
            boolean ok = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-';
            sb.append(ok ? ch : '_');
        }
        return sb.isEmpty() ? "_" : sb.toString();
    }

    /** {@code prefix + "." + suffix}, with the suffix shortened (and hashed) to keep the topic within the limit. */
    public static String topic(String prefix, String suffix, String hashOf) {
        int room = MAX_TOPIC_LENGTH - prefix.length() - 1;
        if (suffix.length() > room) {
            String h = "-" + hash8(hashOf);
            suffix = suffix.substring(0, Math.max(0, room - h.length())) + h;
        }
        return prefix + "." + suffix;
    }

    /** 8 hex digits of the SHA-256 of {@code text}: a short, stable disambiguator. */
    public static String hash8(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }
}
