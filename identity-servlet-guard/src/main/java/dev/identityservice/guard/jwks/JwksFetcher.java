package dev.identityservice.guard.jwks;

import java.io.IOException;

/**
 * Fetches the issuer's current JSON Web Key Set (RFC 7517 §5). Called by {@link CachingJwksSource}
 * on a background thread, one call at a time; implementations must bound their own time and size.
 */
@FunctionalInterface
public interface JwksFetcher {

    /**
     * Fetches the key set once.
     *
     * @return the set and how long the issuer says it may be cached
     * @throws IOException if the set cannot be fetched or parsed
     */
    FetchedJwks fetch() throws IOException;
}
