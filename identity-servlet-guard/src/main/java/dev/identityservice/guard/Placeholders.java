package dev.identityservice.guard;

import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves {@code ${NAME}} and {@code ${NAME:default}} in configuration text, so that one {@code
 * web.xml} serves every environment: {@code <param-value>${ISSUER:http://127.0.0.1:8080}</param-value>}.
 *
 * <p>{@link #SYSTEM} looks a name up as a system property, then as an environment variable. A name
 * is letters, digits, {@code _}, {@code .} and {@code -}; the default is everything after the first
 * colon up to the closing brace and may be empty. Resolution is single-pass: a resolved value that
 * itself contains {@code ${...}} is kept as it is, so a secret can never be re-interpreted. A name
 * that is not set and has no default fails, naming it, rather than leaving a literal {@code ${...}}
 * to be used as an issuer or audience. There is no escape: a value that must contain a literal
 * {@code ${} comes from a placeholder, whose value is never resolved again.
 */
public final class Placeholders {

    /** Looks a name up as a system property, then as an environment variable; null if neither is set. */
    public static final Function<String, String> SYSTEM = name -> {
        String value = System.getProperty(name);
        return value != null ? value : System.getenv(name);
    };

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_.\\-]+)(?::([^}]*))?}");
    private static final String OPEN = "${";

    private Placeholders() {
    }

    /** {@link #resolve(String, Function)} against system properties, then environment variables. */
    public static String resolve(String text) {
        return resolve(text, SYSTEM);
    }

    /**
     * Replaces every placeholder in {@code text}.
     *
     * @param text   the text; null gives null
     * @param lookup the value of a name, or null if it is not set
     * @throws IllegalArgumentException naming the first placeholder that is malformed, or not set
     *                                  and without a default
     */
    public static String resolve(String text, Function<String, String> lookup) {
        Objects.requireNonNull(lookup, "lookup");
        if (text == null || !text.contains(OPEN)) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        Matcher matcher = PLACEHOLDER.matcher(text);
        int last = 0;
        while (matcher.find()) {
            checkLiteral(text, last, matcher.start());
            String name = matcher.group(1);
            String value = lookup.apply(name);
            if (value == null) {
                value = matcher.group(2);
            }
            if (value == null) {
                throw new IllegalArgumentException("${" + name + "} is set neither as a system property nor as an"
                        + " environment variable, and has no default (write ${" + name + ":default})");
            }
            out.append(text, last, matcher.start()).append(value);
            last = matcher.end();
        }
        checkLiteral(text, last, text.length());
        return out.append(text, last, text.length()).toString();
    }

    /** Text between placeholders must not open one that never became a placeholder, like {@code ${bad name}}. */
    private static void checkLiteral(String text, int from, int to) {
        int open = text.indexOf(OPEN, from);
        if (open >= 0 && open < to) {
            // The position, not the text: the value may be a secret.
            throw new IllegalArgumentException("malformed placeholder at character " + (open + 1)
                    + "; expected ${NAME} or ${NAME:default}");
        }
    }
}
