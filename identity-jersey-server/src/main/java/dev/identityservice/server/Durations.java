package dev.identityservice.server;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** Parses configured durations: {@code 30s}, {@code 10m}, {@code 2h}, {@code 30d}, or ISO-8601 ({@code PT10M}). */
public final class Durations {

    private Durations() {
    }

    /** The duration {@code text} denotes; {@link IllegalArgumentException} naming {@code key} when it is malformed or negative. */
    public static Duration parse(String key, String text) {
        String value = text.strip().toLowerCase(Locale.ROOT);
        Duration duration;
        try {
            if (value.startsWith("p")) {
                duration = Duration.parse(value.toUpperCase(Locale.ROOT));
            } else if (value.length() >= 2 && Character.isDigit(value.charAt(0))) {
                long amount = Long.parseLong(value.substring(0, value.length() - 1));
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
