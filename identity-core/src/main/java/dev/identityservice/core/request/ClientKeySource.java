package dev.identityservice.core.request;

import com.nimbusds.jose.jwk.JWKSet;
import dev.identityservice.core.AdmissionGate;
import dev.identityservice.core.client.ClientKeys;
import dev.identityservice.core.outbound.FetchLimits;
import dev.identityservice.core.outbound.OutboundHttp;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client's public keys for verifying what it signs (RFC 7591 §2): its {@code jwks} as registered, or the JWK
 * Set at its {@code jwks_uri}, fetched through {@link OutboundHttp} within the server's {@link FetchLimits} (by
 * default 4 seconds and 32 KiB), and cached for {@link #CACHE_TTL}. A set that is cached but lacks a key
 * the caller looks for is fetched again, at most once per {@link #REFETCH_INTERVAL} per URL, so that a client's
 * key rotation is picked up without letting a flood of unknown {@code kid}s turn into a flood of fetches; a fetch
 * that fails is not tried again within that interval either (the keys are unavailable meanwhile), and one URL is
 * fetched by one request at a time, the others waiting for its outcome.
 *
 * <p>Fetching a URL the client chose is a server-side request on its behalf: {@link OutboundHttp} refuses
 * non-public addresses (unless the server allows them) on the address it connects to, follows no redirect; only
 * GET is sent, only a 200 answer is read, nothing of it is shown to anyone, and the time and size bounds keep a
 * slow or huge answer from tying up a thread.
 */
public final class ClientKeySource {

    private static final Logger LOG = LoggerFactory.getLogger(ClientKeySource.class);

    /** How long a fetched JWK Set is used before the next request fetches it again. */
    public static final Duration CACHE_TTL = Duration.ofMinutes(5);
    /** The least time between two fetches of one URL. */
    public static final Duration REFETCH_INTERVAL = Duration.ofSeconds(30);
    /** The most URLs kept; past it the cache starts over (clients with a jwks_uri are few). */
    static final int MAX_CACHED_URLS = 10_000;

    /** A fetch's keys and when; {@code keys} {@code null} for a failed fetch with nothing cached before it. */
    private record Fetched(JWKSet keys, Instant at) {
    }

    private final OutboundHttp http;
    private final FetchLimits limits;
    private final Clock clock;
    private final Map<URI, Fetched> cache = new ConcurrentHashMap<>();
    private final Map<URI, CompletableFuture<Fetched>> inFlight = new ConcurrentHashMap<>();

    /** With {@link FetchLimits#DEFAULTS}. */
    public ClientKeySource(OutboundHttp http, Clock clock) {
        this(http, FetchLimits.DEFAULTS, clock);
    }

    /**
     * @param http   the one client of clients' URLs, with the server's address policy
     * @param limits the time and size bounds of one fetch
     */
    public ClientKeySource(OutboundHttp http, FetchLimits limits, Clock clock) {
        this.http = Objects.requireNonNull(http, "http");
        this.limits = Objects.requireNonNull(limits, "limits");
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
        if (cached != null && cached.keys() == null) {
            // The last fetch failed with nothing to fall back on: not again before the interval, or every token
            // request naming this client would make the server request the URL (and wait up to the timeout).
            if (now.isBefore(cached.at().plus(REFETCH_INTERVAL))) {
                throw new KeysUnavailable();
            }
            cached = null;
        }
        boolean stale = cached == null || !now.isBefore(cached.at().plus(refresh ? REFETCH_INTERVAL : CACHE_TTL));
        if (!stale) {
            return cached.keys();
        }
        // One fetch per URL at a time: requests arriving meanwhile wait for its outcome (at most the fetch timeout)
        // instead of each sending the server to the URL again.
        CompletableFuture<Fetched> mine = new CompletableFuture<>();
        CompletableFuture<Fetched> running = inFlight.putIfAbsent(uri, mine);
        Fetched outcome;
        if (running != null) {
            // Outside the request's admission gate: the fetching thread steps out of it for the fetch and must
            // enter it again before it completes this future, so waiting inside would hold a permit it may need
            // (with as many waiters as permits, the gate would never open again).
            outcome = AdmissionGate.outside(running::join);
        } else {
            try {
                outcome = fetch(uri, cached, now);
                mine.complete(outcome);
            } catch (RuntimeException | Error e) {
                mine.completeExceptionally(e);
                throw e;
            } finally {
                inFlight.remove(uri, mine);
            }
        }
        if (outcome.keys() == null) {
            throw new KeysUnavailable();
        }
        return outcome.keys();
    }

    /** Fetches {@code uri} and caches the outcome: the keys, the previous ones on failure, or a failure. */
    private Fetched fetch(URI uri, Fetched cached, Instant now) {
        try {
            OutboundHttp.Answer answer = http.get(uri, limits.maxBytes(), limits.timeout());
            if (answer.status() != 200) {
                throw new IOException("HTTP " + answer.status());
            }
            JWKSet fetched = JWKSet.parse(new String(answer.body(), StandardCharsets.UTF_8)).toPublicJWKSet();
            return remember(uri, new Fetched(fetched, now));
        } catch (IOException | ParseException | RuntimeException e) {
            // The reason goes to the log; the client only learns that its keys could not be had.
            LOG.info("Fetching the client jwks_uri {} failed: {}", uri, e.toString());
            // Kept, and its time renewed, so that an unreachable jwks_uri is not tried on every request; with
            // nothing kept, the failure itself is remembered for as long.
            return remember(uri, new Fetched(cached == null ? null : cached.keys(), now));
        }
    }

    private Fetched remember(URI uri, Fetched fetched) {
        if (cache.size() >= MAX_CACHED_URLS) {
            cache.clear();
        }
        cache.put(uri, fetched);
        return fetched;
    }

    /** The client's {@code jwks_uri} could not be fetched or did not hold a JWK Set. */
    public static final class KeysUnavailable extends RuntimeException {
        KeysUnavailable() {
            super("the client's jwks_uri could not be fetched", null, false, false);
        }
    }
}
