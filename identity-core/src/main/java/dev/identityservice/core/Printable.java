package dev.identityservice.core;

/**
 * Untrusted text made safe to quote in an error message or a log line: every character outside printable
 * ASCII becomes a Java-style backslash-u escape, so that no control character, line break or bidi override of
 * an input can forge or hide a line (the import's errors are printed at start, the admin API's are returned).
 */
public final class Printable {

    private Printable() {
    }

    /** {@code value} with every character outside U+0020..U+007E escaped; {@code "null"} for {@code null}. */
    public static String of(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(value.length());
        value.chars().forEach(c -> out.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : String.format("\\u%04x", c)));
        return out.toString();
    }
}
