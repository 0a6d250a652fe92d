package dev.identityservice.server;

import dev.identityservice.server.http.NonNegativeInteger;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Parses the durations of configuration, the management API and the import file: {@code 30s}, {@code 10m},
 * {@code 2h}, {@code 30d} (digits only, no sign), or ISO-8601 ({@code PT10M}); never negative, never longer
 * than {@link #MAX}. Each setting then applies its own, narrower range.
 */
public final class Durations {

    /**
     * The longest duration accepted anywhere: 100 years. No setting here means more, and the bound keeps every
     * {@code instant + duration} far from {@link java.time.Instant#MAX} (and {@link Duration#toMillis} from overflow).
     */
    public static final Duration MAX = Duration.ofDays(36_500);

    private Durations() {
    }

    /** The duration {@code text} denotes; {@link IllegalArgumentException} naming {@code key} when it is malformed or negative. */
    public static Duration parse(String key, String text) {
        String value = text.strip().toLowerCase(Locale.ROOT);
        Duration duration;
        try {
            if (value.startsWith("p")) {
                duration = Duration.parse(value.toUpperCase(Locale.ROOT));
            } else if (value.length() >= 2) {
                long amount = NonNegativeInteger.parse(value.substring(0, value.length() - 1))
                        .orElseThrow(IllegalArgumentException::new);
                duration = switch (value.charAt(value.length() - 1)) {
                    case 's' -> Duration.ofSeconds(amount);
                    case 'm' -> Duration.ofMinutes(amount);
                    case 'h' -> Duration.ofHours(amount);
                    case 'd' -> Duration.ofDays(amount);
                    default -> throw new IllegalArgumentException();
                };
            } else {
                throw new IllegalArgumentException();
            }
        } catch (IllegalArgumentException | DateTimeParseException | ArithmeticException e) {
            throw new IllegalArgumentException(key + ": '" + text + "' is not a duration (use 30s, 10m, 2h, 30d or ISO-8601 like PT10M)");
        }
        if (duration.isNegative()) {
            throw new IllegalArgumentException(key + ": must not be negative: " + text);
        }
        if (duration.compareTo(MAX) > 0) {
            throw new IllegalArgumentException(key + ": must be at most " + format(MAX) + ": " + text);
        }
        return duration;
    }

    /** The short form used in logs and help: {@code 10m}, {@code 30d}, else ISO-8601. */
    public static String format(Duration duration) {
        long seconds = duration.getSeconds();
        if (duration.getNano() != 0) {
            return duration.toString();
        }
        if (seconds % 86_400 == 0 && seconds > 0) {
            return seconds / 86_400 + "d";
        }
        if (seconds % 3600 == 0 && seconds > 0) {
            return seconds / 3600 + "h";
        }
        if (seconds % 60 == 0 && seconds > 0) {
            return seconds / 60 + "m";
        }
        return seconds + "s";
    }
}
