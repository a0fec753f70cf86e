package io.yolostream.config;

/**
 * How user input is echoed in a message (an error answer, a log line): at most {@link #MAX} characters, the rest
 * counted, control characters shown as {@code ?}, so a 10 KB id or a line break in a name cannot flood or forge
 * what is printed.
 */
public final class Echo {
    /** Characters of the input shown. */
    public static final int MAX = 64;

    private Echo() {
    }

    /** The input as shown in a message ("none" for null). */
    public static String of(String input) {
        return of(input, MAX);
    }

    /** The input as shown in a message, at most {@code max} characters of it. */
    public static String of(String input, int max) {
        if (input == null) {
            return "none";
        }
        String shown = input.length() > max ? input.substring(0, max) : input;
        StringBuilder sb = new StringBuilder(shown.length() + 32);
        for (int i = 0; i < shown.length(); i++) {
            char c = shown.charAt(i);
            sb.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        if (input.length() > max) {
            sb.append("... (").append(input.length()).append(" characters)");
        }
        return sb.toString();
    }
}
