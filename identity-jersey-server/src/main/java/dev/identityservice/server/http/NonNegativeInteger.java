package dev.identityservice.server.http;

import java.util.OptionalLong;

/**
 * The one parser of numbers that clients, administrators and configuration send: a non-negative integer
 * written as ASCII digits only ({@code 1*DIGIT}, RFC 5234 §B.1), as OIDC Core's {@code max_age} and every
 * count or port here are. No sign ({@code +5} and {@code -0} are refused), no spaces, no other scripts'
 * digits (which {@link Long#parseLong} would accept).
 *
 * <p>A value too large for a {@code long} is still a well-formed number: it saturates at
 * {@link Long#MAX_VALUE}, so that each caller decides what "very large" means (a range check, or "any age")
 * instead of failing with an overflow.
 */
public final class NonNegativeInteger {

    private NonNegativeInteger() {
    }

    /**
     * The value of {@code text}.
     *
     * @return the number, saturated at {@link Long#MAX_VALUE}; empty when {@code text} is null, empty or not
     *         digits only
     */
    public static OptionalLong parse(String text) {
        if (text == null || text.isEmpty()) {
            return OptionalLong.empty();
        }
        long value = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return OptionalLong.empty();
            }
            if (value > (Long.MAX_VALUE - (c - '0')) / 10) {
                value = Long.MAX_VALUE;
            } else if (value != Long.MAX_VALUE) {
                value = value * 10 + (c - '0');
            }
        }
        return OptionalLong.of(value);
    }

    /**
     * The value of {@code text} when it lies in {@code [min, max]}; empty when malformed or out of range.
     */
    public static OptionalLong parse(String text, long min, long max) {
        OptionalLong value = parse(text);
        return value.isPresent() && value.getAsLong() >= min && value.getAsLong() <= max ? value : OptionalLong.empty();
    }
}
