package dev.identityservice.core.token.refresh;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * How long a refresh token stays usable. Every refresh rotates the token whatever the policy.
 */
public sealed interface RefreshPolicy permits RefreshPolicy.BoundToAccessToken, RefreshPolicy.Sliding {

    /** The default: a refresh token is usable only while the access token issued with it is unexpired. */
    RefreshPolicy DEFAULT = new BoundToAccessToken();

    /** How long a family of rotated tokens may live in total, from the login that started it. */
    Duration familyLifetime();

    /**
     * When a refresh token issued at {@code now} stops being usable.
     *
     * @param accessTokenExpiresAt expiry of the access token issued with it
     * @param familyExpiresAt      the family's absolute end
     */
    Instant expiresAt(Instant now, Instant accessTokenExpiresAt, Instant familyExpiresAt);

    /** Usable only while its paired access token is unexpired; afterwards the user logs in again. */
    record BoundToAccessToken() implements RefreshPolicy {

        /** A user who keeps refreshing still logs in again after this long. */
        public static final Duration FAMILY_LIFETIME = Duration.ofDays(30);

        @Override
        public Duration familyLifetime() {
            return FAMILY_LIFETIME;
        }

        @Override
        public Instant expiresAt(Instant now, Instant accessTokenExpiresAt, Instant familyExpiresAt) {
            return min(accessTokenExpiresAt, familyExpiresAt);
        }
    }

    /**
     * Usable for {@code ttl} after it was issued, renewed by each refresh, but never beyond
     * {@code absoluteMax} after the first login of the family.
     */
    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    record Sliding(Duration ttl, Duration absoluteMax) implements RefreshPolicy {

        public static final Duration MIN_TTL = Duration.ofDays(1);
        public static final Duration MAX_TTL = Duration.ofDays(90);
        /** The longest absolute maximum: 10 years; it also keeps {@code now + absoluteMax} far from overflow. */
        public static final Duration MAX_ABSOLUTE = Duration.ofDays(3650);

        public Sliding {
            Objects.requireNonNull(ttl, "ttl");
            Objects.requireNonNull(absoluteMax, "absoluteMax");
            if (ttl.compareTo(MIN_TTL) < 0 || ttl.compareTo(MAX_TTL) > 0) {
                throw new IllegalArgumentException("sliding refresh ttl must be between 1 and 90 days: " + ttl);
            }
            if (absoluteMax.compareTo(ttl) < 0 || absoluteMax.compareTo(MAX_ABSOLUTE) > 0) {
                throw new IllegalArgumentException("sliding refresh absoluteMax must be from the ttl to 3650 days: " + absoluteMax);
            }
        }

        @Override
        public Duration familyLifetime() {
            return absoluteMax;
        }

        @Override
        public Instant expiresAt(Instant now, Instant accessTokenExpiresAt, Instant familyExpiresAt) {
            return min(now.plus(ttl), familyExpiresAt);
        }
    }
}
