package io.yolostream.sinks.hierarchy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The names closest to one that is unknown, for "did you mean" lists in errors: the same letters written another
 * way ({@code motor_vehicle}), names within a small edit distance ({@code aminal}, {@code persn}), and names that start with it or
 * that it starts with ({@code terrier}, {@code dogs}), best first.
 */
public final class NameSuggestions {
    public static final int MAX = 6;

    private NameSuggestions() {
    }

    public static List<String> closeTo(String unknown, Collection<String> names) {
        String u = loosen(unknown);
        if (u.isEmpty()) {
            return List.of();
        }
        int budget = Math.max(1, u.length() / 3);
        record Scored(String name, int score, int lengthGap) {
        }
        List<Scored> scored = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (String name : names) {
            if (!seen.add(name)) {
                continue;
            }
            String n = loosen(name);
            int score;
            if (n.equals(u)) {
                score = 0;
            } else {
                int d = distance(u, n, budget);
                if (d <= budget) {
                    score = d;
                } else if (n.startsWith(u) || u.startsWith(n) && n.length() >= 3) {
                    score = budget + 1 + Math.abs(n.length() - u.length());
                } else if (u.length() >= 4 && isWordOf(unknown, name)) {
                    score = budget + 100 + n.length();
                } else {
                    continue;
                }
            }
            scored.add(new Scored(name, score, Math.abs(n.length() - u.length())));
        }
        // ties: the name of the same length first (aminal: animal before admiral), then alphabetical
        return scored.stream().sorted(Comparator.comparingInt(Scored::score).thenComparingInt(Scored::lengthGap)
                        .thenComparing(Scored::name))
                .limit(MAX).map(Scored::name).toList();
    }

    /** "terrier" is a word of "Norfolk terrier". */
    private static boolean isWordOf(String unknown, String name) {
        String w = unknown.strip().toLowerCase(Locale.ROOT);
        for (String part : name.toLowerCase(Locale.ROOT).split("[\\s_-]+")) {
            if (part.equals(w)) {
                return true;
            }
        }
        return false;
    }

    private static String loosen(String s) {
        return s.strip().toLowerCase(Locale.ROOT).replaceAll("[\\s_-]+", "");
    }

    /**
     * Edit distance with adjacent transpositions (optimal string alignment: {@code aminal} is one edit from
     * {@code animal}), or {@code max + 1} as soon as it must exceed {@code max}.
     */
    static int distance(String a, String b, int max) {
        if (Math.abs(a.length() - b.length()) > max) {
            return max + 1;
        }
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            d[i][0] = i;
            int rowMin = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                int v = Math.min(Math.min(d[i][j - 1] + 1, d[i - 1][j] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    v = Math.min(v, d[i - 2][j - 2] + 1);
                }
                d[i][j] = v;
                rowMin = Math.min(rowMin, v);
            }
            if (rowMin > max) {
                return max + 1;
            }
        }
        return d[a.length()][b.length()];
    }
}
