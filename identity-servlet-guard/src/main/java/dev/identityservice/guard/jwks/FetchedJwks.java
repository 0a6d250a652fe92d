package dev.identityservice.guard.jwks;

import com.nimbusds.jose.jwk.JWKSet;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A JWKS as fetched (RFC 7517 §5) together with the cache lifetime its response declared through
 * {@code Cache-Control: max-age} (RFC 9111 §5.2.2.1), if any.
 *
 * @param keySet the keys as published
 * @param maxAge the declared lifetime; empty if the response declared none
 */
public record FetchedJwks(JWKSet keySet, Optional<Duration> maxAge) {

    public FetchedJwks {
        Objects.requireNonNull(keySet, "keySet");
        Objects.requireNonNull(maxAge, "maxAge");
    }

    /** A key set without a declared lifetime. */
    public static FetchedJwks of(JWKSet keySet) {
        return new FetchedJwks(keySet, Optional.empty());
    }
}
