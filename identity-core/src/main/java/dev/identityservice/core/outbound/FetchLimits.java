package dev.identityservice.core.outbound;

import java.time.Duration;
import java.util.Objects;

/**
 * The bounds of every GET the server sends to a URL a client chose: a request object at a {@code request_uri}
 * (OIDC Core §6.2) and a client's JWK Set at its {@code jwks_uri}. A client controls the server at that URL, so
 * both bounds are what stand between one malicious client and a thread held or memory filled by its answer.
 * (Back-channel logout POSTs read no body and have their own timeout, {@code BackChannelLogoutSettings}.)
 *
 * @param timeout  the bound of one whole exchange, host name lookup, connection and TLS included; from
 *                 {@link #MIN_TIMEOUT} to {@link #MAX_TIMEOUT}
 * @param maxBytes the longest answer body read, in bytes; a longer one fails the fetch. From {@link #MIN_BYTES}
 *                 to {@link #MAX_BYTES}
 */
public record FetchLimits(Duration timeout, int maxBytes) {

    /** The default bound of a fetch: a browser may be waiting at the authorization endpoint meanwhile. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(4);
    /** The default longest body: far above any real request object or JWK Set, far below a memory problem. */
    public static final int DEFAULT_MAX_BYTES = 32 * 1024;
    /** Shorter would fail honest servers across a continent, TLS handshake included. */
    public static final Duration MIN_TIMEOUT = Duration.ofMillis(100);
    /** Longer would let a few slow clients' URLs hold the request threads. */
    public static final Duration MAX_TIMEOUT = Duration.ofMinutes(1);
    /** Less would refuse a JWK Set of one RSA key. */
    public static final int MIN_BYTES = 1024;
    /** Each fetch in progress may hold this much heap. */
    public static final int MAX_BYTES = 1024 * 1024;

    public static final FetchLimits DEFAULTS = new FetchLimits(DEFAULT_TIMEOUT, DEFAULT_MAX_BYTES);

    /** @throws IllegalArgumentException naming the bound that is out of range, with the range */
    public FetchLimits {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.compareTo(MIN_TIMEOUT) < 0 || timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new IllegalArgumentException("the fetch timeout must be from " + MIN_TIMEOUT.toMillis() + " to "
                    + MAX_TIMEOUT.toMillis() + " ms: " + timeout.toMillis() + " ms");
        }
        if (maxBytes < MIN_BYTES || maxBytes > MAX_BYTES) {
            throw new IllegalArgumentException("the largest fetched body must be from " + MIN_BYTES + " to " + MAX_BYTES
                    + " bytes: " + maxBytes);
        }
    }
}
