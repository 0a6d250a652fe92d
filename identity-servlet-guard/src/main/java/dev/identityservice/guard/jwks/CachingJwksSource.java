package dev.identityservice.guard.jwks;

import dev.identityservice.guard.GuardConfig.JwksSettings;
import dev.identityservice.guard.GuardListener;
import dev.identityservice.guard.GuardListener.FetchCause;
import dev.identityservice.guard.error.InvalidTokenException;
import dev.identityservice.guard.error.VerificationUnavailableException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The issuer's verification keys (RFC 7517), cached so that a request with a known {@code kid}
 * costs one volatile read: no lock, no I/O.
 *
 * <ul>
 *   <li>A fetched set lives for the response's {@code max-age}, clamped to the configured bounds;
 *       from {@code refreshAhead} before its end a request starts a refresh in the background.</li>
 *   <li>One fetch at a time: every caller that needs one joins the fetch in flight.</li>
 *   <li>An unknown {@code kid} joins a fetch in flight, or starts one at most once per
 *       {@code refetchInterval}. That budget is its own: a flood of random ids can neither delay the
 *       regular refresh nor be paid for by it.</li>
 *   <li>While the issuer is unreachable the last good set serves until {@code maxStale} after its
 *       fetch; with no usable set the answer is {@link VerificationUnavailableException} (503).</li>
 * </ul>
 */
public final class CachingJwksSource implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(CachingJwksSource.class.getName());
    private static final Duration AWAIT_MARGIN = Duration.ofSeconds(1);

    private final JwksFetcher fetcher;
    private final JwksSettings settings;
    private final Clock clock;
    private final GuardListener listener;
    private final Duration awaitLimit;
    private final ThreadPoolExecutor executor;
    private final AtomicReference<CompletableFuture<KeySetState>> inFlight = new AtomicReference<>();
    private final AtomicReference<UnknownKidFetch> lastUnknownKidFetch = new AtomicReference<>();
    private volatile KeySetState state = KeySetState.NONE;

    /**
     * @param fetcher    where keys come from
     * @param settings   cache timings
     * @param fetchLimit the longest one fetch may take (connect plus read timeout)
     * @param clock      decides lifetimes and intervals
     * @param listener   receives fetch events
     */
    public CachingJwksSource(JwksFetcher fetcher, JwksSettings settings, Duration fetchLimit, Clock clock,
            GuardListener listener) {
        this.fetcher = fetcher;
        this.settings = settings;
        this.clock = clock;
        this.listener = listener;
        this.awaitLimit = fetchLimit.plus(AWAIT_MARGIN);
        this.executor = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), runnable -> {
            Thread thread = new Thread(runnable, "guard-jwks-fetch");
            thread.setDaemon(true);
            return thread;
        });
        this.executor.allowCoreThreadTimeOut(true);
    }

    /** Starts the first fetch in the background, so that the first request usually finds keys. */
    public void prefetch() {
        startFetch(FetchCause.INITIAL);
    }

    /**
     * The keys a token may have been signed with.
     *
     * @param kid the token's {@code kid}, or null for every key
     * @return a non-empty array of candidate keys
     * @throws InvalidTokenException            if the {@code kid} is unknown even after a refetch
     *                                          or the refetch was rate-limited
     * @throws VerificationUnavailableException if no usable key set can be had
     */
    public VerificationKey[] candidates(String kid) throws InvalidTokenException, VerificationUnavailableException {
        return candidates(kid, () -> true);
    }

    /**
     * The keys a token may have been signed with, refetching for an unknown {@code kid} only if
     * {@code mayRefetch} agrees: a token that would be refused anyway must not spend the
     * unknown-{@code kid} budget nor wait for a fetch.
     *
     * @param mayRefetch asked once, only when the {@code kid} is unknown to the cached set
     * @see #candidates(String)
     */
    public VerificationKey[] candidates(String kid, BooleanSupplier mayRefetch)
            throws InvalidTokenException, VerificationUnavailableException {
        Instant now = clock.instant();
        KeySetState current = state;
        if (!current.usableAt(now)) {
            current = awaitUsable(now, current);
        } else if (!now.isBefore(current.refreshAt)) {
            refreshInBackground(now, current);
            if (!now.isBefore(current.expiresAt)) {
                listener.servedStale(Duration.between(current.expiresAt, now));
            }
        }
        VerificationKey[] found = current.keys.candidates(kid);
        if (found != null && found.length > 0) {
            return found;
        }
        if (!mayRefetch.getAsBoolean()) {
            throw InvalidTokenException.invalidToken("unknown key id");
        }
        return afterUnknownKid(kid, now);
    }

    /** How many usable keys the cached set has; 0 before the first successful fetch. */
    public int cachedKeyCount() {
        KeySetState current = state;
        return current.keys == null ? 0 : current.keys.size();
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }

    private void refreshInBackground(Instant now, KeySetState current) {
        if (!now.isBefore(current.nextAttemptAt)) {
            startFetch(FetchCause.REFRESH);
        }
    }

    private KeySetState awaitUsable(Instant now, KeySetState current) throws VerificationUnavailableException {
        if (now.isBefore(current.nextAttemptAt) && inFlight.get() == null) {
            throw unavailable(Duration.between(now, current.nextAttemptAt), current, null);
        }
        KeySetState next = await(startFetch(current.keys == null ? FetchCause.INITIAL : FetchCause.REFRESH));
        if (next.usableAt(clock.instant())) {
            return next;
        }
        throw unavailable(settings.retryInterval(), next, null);
    }

    private VerificationKey[] afterUnknownKid(String kid, Instant now)
            throws InvalidTokenException, VerificationUnavailableException {
        CompletableFuture<KeySetState> waitFor = inFlight.get();
        if (waitFor == null) {
            UnknownKidFetch last = lastUnknownKidFetch.get();
            if (last != null && now.isBefore(last.startedAt.plus(settings.refetchInterval()))) {
                if (last.done.isDone()) {
                    // A fetch may have landed since this request read the state.
                    VerificationKey[] landed = state.keys == null ? null : state.keys.candidates(kid);
                    if (landed != null && landed.length > 0) {
                        return landed;
                    }
                    listener.unknownKidRefetchRateLimited();
                    throw InvalidTokenException.invalidToken("unknown key id");
                }
                waitFor = last.done;
            } else {
                UnknownKidFetch mine = new UnknownKidFetch(now, new CompletableFuture<>());
                if (lastUnknownKidFetch.compareAndSet(last, mine)) {
                    startFetch(FetchCause.UNKNOWN_KID).whenComplete((next, error) -> mine.done.complete(next));
                }
                waitFor = lastUnknownKidFetch.get().done;
            }
        }
        KeySetState next = await(waitFor);
        VerificationKey[] found = next.keys == null ? null : next.keys.candidates(kid);
        if (found != null && found.length > 0) {
            return found;
        }
        if (next.lastFailure != null) {
            // The issuer could not be asked: the token may be signed with a key we cannot see yet.
            throw unavailable(settings.retryInterval(), next, null);
        }
        throw InvalidTokenException.invalidToken("unknown key id");
    }

    /** The fetch in flight, or a new one; never more than one at a time. */
    private CompletableFuture<KeySetState> startFetch(FetchCause cause) {
        while (true) {
            CompletableFuture<KeySetState> existing = inFlight.get();
            if (existing != null) {
                return existing;
            }
            CompletableFuture<KeySetState> mine = new CompletableFuture<>();
            if (inFlight.compareAndSet(null, mine)) {
                try {
                    executor.execute(() -> fetchInto(mine, cause));
                } catch (RejectedExecutionException closed) {
                    inFlight.set(null);
                    mine.complete(state);
                }
                return mine;
            }
        }
    }

    private void fetchInto(CompletableFuture<KeySetState> result, FetchCause cause) {
        KeySetState before = state;
        KeySetState after;
        try {
            FetchedJwks fetched = fetcher.fetch();
            VerificationKeys keys = VerificationKeys.from(fetched.keySet());
            if (keys.size() == 0) {
                throw new IOException("the JWKS has no usable signature key");
            }
            after = before.refreshed(keys, lifetimeOf(fetched.maxAge()), clock.instant(), settings);
            listener.jwksRefreshed(cause, keys.size());
        } catch (Exception | LinkageError e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            LOG.log(System.Logger.Level.WARNING, "JWKS fetch failed (" + cause + "): " + reason);
            after = before.failed(reason, clock.instant().plus(settings.retryInterval()));
            listener.jwksFetchFailed(cause, reason);
        }
        state = after;
        inFlight.set(null);
        result.complete(after);
    }

    private Duration lifetimeOf(Optional<Duration> maxAge) {
        Duration lifetime = maxAge.orElse(settings.defaultLifetime());
        if (lifetime.compareTo(settings.minLifetime()) < 0) {
            return settings.minLifetime();
        }
        return lifetime.compareTo(settings.maxLifetime()) > 0 ? settings.maxLifetime() : lifetime;
    }

    private KeySetState await(CompletableFuture<KeySetState> pending) throws VerificationUnavailableException {
        try {
            return pending.get(awaitLimit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw unavailable(settings.retryInterval(), state, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable(settings.retryInterval(), state, e);
        } catch (ExecutionException e) {
            throw unavailable(settings.retryInterval(), state, e.getCause());
        }
    }

    private static VerificationUnavailableException unavailable(Duration retryAfter, KeySetState state, Throwable cause) {
        String reason = state.lastFailure == null ? "no usable keys" : state.lastFailure;
        return new VerificationUnavailableException("issuer keys unavailable: " + reason, retryAfter, cause);
    }

    /** An unknown-kid fetch: when it started and when it is over. */
    private record UnknownKidFetch(Instant startedAt, CompletableFuture<KeySetState> done) {
    }

    /**
     * What is cached, immutable: the keys and the instants that decide what to do with them.
     *
     * @param keys          the last good set, or null before the first
     * @param refreshAt     from when a background refresh starts
     * @param expiresAt     the end of the set's lifetime
     * @param staleUntil    the last instant the set may serve at all
     * @param nextAttemptAt no fetch for expiry before this (after a failure)
     * @param lastFailure   why the last fetch failed, or null if it succeeded
     */
    private record KeySetState(VerificationKeys keys, Instant refreshAt, Instant expiresAt, Instant staleUntil,
            Instant nextAttemptAt, String lastFailure) {

        static final KeySetState NONE = new KeySetState(null, Instant.MIN, Instant.MIN, Instant.MIN, Instant.MIN, null);

        boolean usableAt(Instant now) {
            return keys != null && now.isBefore(staleUntil);
        }

        KeySetState refreshed(VerificationKeys fresh, Duration lifetime, Instant now, JwksSettings settings) {
            Instant expires = now.plus(lifetime);
            Duration ahead = settings.refreshAhead().compareTo(lifetime.dividedBy(2)) > 0
                    ? lifetime.dividedBy(2) : settings.refreshAhead();
            Instant stale = now.plus(settings.maxStale());
            return new KeySetState(fresh, expires.minus(ahead), expires, stale.isAfter(expires) ? stale : expires,
                    now, null);
        }

        KeySetState failed(String reason, Instant retryAt) {
            return new KeySetState(keys, refreshAt, expiresAt, staleUntil, retryAt, reason);
        }
    }
}
