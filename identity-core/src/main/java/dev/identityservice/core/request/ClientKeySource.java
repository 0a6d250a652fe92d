package dev.identityservice.core.request;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jose.util.ResourceRetriever;
import dev.identityservice.core.Limits;
import dev.identityservice.core.client.ClientKeys;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client's public keys for verifying what it signs (RFC 7591 §2): its {@code jwks} as registered, or the JWK
 * Set at its {@code jwks_uri}, fetched with {@link #CONNECT_TIMEOUT}/{@link #READ_TIMEOUT}, at most
 * {@link Limits#MAX_JWKS_CHARS} bytes, and cached for {@link #CACHE_TTL}. A set that is cached but lacks a key
 * the caller looks for is fetched again, at most once per {@link #REFETCH_INTERVAL} per URL, so that a client's
 * key rotation is picked up without letting a flood of unknown {@code kid}s turn into a flood of fetches.
 *
 * <p>Fetching a URL the client chose is a server-side request on its behalf: the registration rules limit
 * {@code jwks_uri} to {@code https} (or loopback {@code http}), only GET is sent, nothing of the answer is
 * shown to anyone, and the timeouts and size bound keep a slow or huge answer from tying up a thread.
 */
public final class ClientKeySource {

    private static final Logger LOG = LoggerFactory.getLogger(ClientKeySource.class);

    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration READ_TIMEOUT = Duration.ofSeconds(2);
    /** How long a fetched JWK Set is used before the next request fetches it again. */
    public static final Duration CACHE_TTL = Duration.ofMinutes(5);
    /** The least time between two fetches of one URL. */
    public static final Duration REFETCH_INTERVAL = Duration.ofSeconds(30);
    /** The most URLs kept; past it the cache starts over (clients with a jwks_uri are few). */
    static final int MAX_CACHED_URLS = 10_000;

    private record Fetched(JWKSet keys, Instant at) {
    }

    private final ResourceRetriever retriever;
    private final Clock clock;
    private final Map<URI, Fetched> cache = new ConcurrentHashMap<>();

    public ClientKeySource(Clock clock) {
        this(new DefaultResourceRetriever((int) CONNECT_TIMEOUT.toMillis(), (int) READ_TIMEOUT.toMillis(), Limits.MAX_JWKS_CHARS), clock);
    }

    ClientKeySource(ResourceRetriever retriever, Clock clock) {
        this.retriever = Objects.requireNonNull(retriever, "retriever");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * The client's keys; with {@code refresh}, a {@code jwks_uri} is fetched again unless it was within
     * {@link #REFETCH_INTERVAL}.
     *
     * @return the keys, or an empty set when the client registered none
     * @throws KeysUnavailable when the {@code jwks_uri} cannot be fetched or parsed and nothing is cached
     */
    public JWKSet keys(ClientKeys keys, boolean refresh) {
        if (keys.jwks() != null) {
            return keys.jwks();
        }
        if (keys.jwksUri() == null) {
            return new JWKSet();
        }
        URI uri = keys.jwksUri();
        Instant now = clock.instant();
        Fetched cached = cache.get(uri);
        boolean stale = cached == null || !now.isBefore(cached.at().plus(refresh ? REFETCH_INTERVAL : CACHE_TTL));
        if (!stale) {
            return cached.keys();
        }
        try {
            JWKSet fetched = JWKSet.parse(retriever.retrieveResource(new URL(uri.toString())).getContent()).toPublicJWKSet();
            if (cache.size() >= MAX_CACHED_URLS) {
                cache.clear();
            }
            cache.put(uri, new Fetched(fetched, now));
            return fetched;
        } catch (IOException | ParseException | RuntimeException e) {
            // The reason goes to the log; the client only learns that its keys could not be had.
            LOG.info("Fetching the client jwks_uri {} failed: {}", uri, e.toString());
            if (cached != null) {
                // Kept, and its time renewed, so that an unreachable jwks_uri is not tried on every request.
                cache.put(uri, new Fetched(cached.keys(), now));
                return cached.keys();
            }
            throw new KeysUnavailable();
        }
    }

    /** The client's {@code jwks_uri} could not be fetched or did not hold a JWK Set. */
    public static final class KeysUnavailable extends RuntimeException {
        KeysUnavailable() {
            super("the client's jwks_uri could not be fetched", null, false, false);
        }
    }
}
