package dev.identityservice.guard.http;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * A response from the issuer, read whole: status, body as text, and the cache lifetime its {@code
 * Cache-Control} header declared (RFC 9111 §5.2.2).
 *
 * @param status the HTTP status code
 * @param body   the body, decoded as UTF-8
 * @param maxAge {@code max-age}, zero for {@code no-store} or {@code no-cache}; empty if not declared
 */
public record HttpDocument(int status, String body, Optional<Duration> maxAge) {

    /** Reads the lifetime out of a {@code Cache-Control} value; tolerant of spacing and case. */
    static Optional<Duration> maxAgeOf(String cacheControl) {
        if (cacheControl == null) {
            return Optional.empty();
        }
        Optional<Duration> maxAge = Optional.empty();
        for (String directive : cacheControl.split(",")) {
            String d = directive.trim().toLowerCase(Locale.ROOT);
            if (d.equals("no-store") || d.equals("no-cache")) {
                return Optional.of(Duration.ZERO);
            }
            if (d.startsWith("max-age=")) {
                try {
                    long seconds = Long.parseLong(d.substring("max-age=".length()).replace("\"", "").trim());
                    maxAge = Optional.of(Duration.ofSeconds(Math.max(0, seconds)));
                } catch (NumberFormatException ignored) {
                    // An unreadable max-age counts as none.
                }
            }
        }
        return maxAge;
    }

    /** Whether the status is 2xx. */
    public boolean isSuccess() {
        return status >= 200 && status < 300;
    }
}
