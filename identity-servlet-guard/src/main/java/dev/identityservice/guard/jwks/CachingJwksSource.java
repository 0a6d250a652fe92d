package dev.identityservice.guard.jwks;

import com.github.benmanes.caffeine.cache.AsyncCacheLoader;
import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.identityservice.guard.GuardConfig.JwksSettings;
import dev.identityservice.guard.GuardListener;
import dev.identityservice.guard.GuardListener.FetchCause;
import dev.identityservice.guard.ThrottledWarning;
import dev.identityservice.guard.error.InvalidTokenException;
import dev.identityservice.guard.error.VerificationUnavailableException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * The issuer's verification keys (RFC 7517), cached so that a request with a known {@code kid}
 * costs a lock-free cache read: no lock, no I/O, no wait.
 *
 * <p>Caffeine does what a cache does: the set's lifetime (the response's {@code max-age}, clamped to
 * the configured bounds, and then {@code maxStale} of outage tolerance), one load at a time however
 * many requests need it, and refresh-ahead in the background, a request past {@code refreshAhead}
 * before expiry asking for a refresh that Caffeine runs once and that the request never waits for.
 * Fetches run on one daemon thread of their own.
 *
 * <p>Our own code is only what Caffeine cannot know:
 * <ul>
 *   <li>the unknown-{@code kid} budget: such a {@code kid} joins a fetch in flight, or starts one at
 *       most once per {@code refetchInterval}; a flood of random ids can neither delay the regular
 *       refresh nor be paid for by it;</li>
 *   <li>serving stale: past its lifetime the last good set keeps serving while refreshes fail, until
 *       {@code maxStale} after its fetch; failed refreshes are retried after {@code retryInterval};</li>
 *   <li>the wait bound: a request with an unknown {@code kid} waits for its fetch at most {@code
 *       maxWait}, then gets {@link VerificationUnavailableException} (503) while the fetch goes on, so
 *       that a hanging issuer holds no request thread for long; only with no usable keys at all (at
 *       start-up, or past {@code maxStale}) does a request wait up to one fetch's time limit.</li>
 * </ul>
 */
public final class CachingJwksSource implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(CachingJwksSource.class.getName());
    /** The one cache entry: the issuer's whole key set. */
    private static final String SET = "jwks";

    private final JwksFetcher fetcher;
    private final JwksSettings settings;
    private final Clock clock;
    private final GuardListener listener;
    private final Duration fetchLimit;
    private final ThreadPoolExecutor fetchThread;
    private final AsyncLoadingCache<String, KeySetState> cache;
    private final AtomicReference<UnknownKidFetch> lastUnknownKidFetch = new AtomicReference<>();
    private final AtomicReference<FetchCause> nextCause = new AtomicReference<>();
    private final ThrottledWarning fetchFailed;
    /** The refresh in flight, for unknown kids to join without spending their budget; null if none. */
    private volatile CompletableFuture<KeySetState> refreshing;
    /**
     * What the last fetch produced. Caffeine installs a refreshed value just after its future
     * completes; an unknown kid that saw the future complete reads this rather than race it.
     */
    private volatile KeySetState lastFetched;
    /**
     * Keys the issuer revoked (by a security event), by {@code kid}, with the instant until which they are refused
     * at least. One is forgotten only after that instant and once a fetch no longer lists it: a JWKS from a stale
     * cache or replica that still lists a revoked key must not bring it back. Read as an immutable snapshot.
     */
    private volatile Map<String, Instant> revoked = Map.of();

    /**
     * @param fetcher  where keys come from; called on the fetch thread only, one call at a time
     * @param settings   cache timings and the unknown-{@code kid} wait bound
     * @param fetchLimit the longest one fetch may take (connect plus read timeout): how long a request
     *                   waits when there are no usable keys at all, as at start-up
     * @param clock      decides lifetimes and intervals
     * @param listener   receives fetch events
     */
    public CachingJwksSource(JwksFetcher fetcher, JwksSettings settings, Duration fetchLimit, Clock clock,
            GuardListener listener) {
        this.fetcher = fetcher;
        this.fetchLimit = fetchLimit;
        this.settings = settings;
        this.clock = clock;
        this.listener = listener;
        this.fetchFailed = new ThrottledWarning(message -> LOG.log(System.Logger.Level.WARNING, message),
                ThrottledWarning.INTERVAL_DEFAULT, clock);
        this.fetchThread = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), runnable -> {
            Thread thread = new Thread(runnable, "guard-jwks-fetch");
            thread.setDaemon(true);
            return thread;
        });
        this.fetchThread.allowCoreThreadTimeOut(true);
        long startMillis = clock.millis(); // a ticker counts from an arbitrary origin, and this one stays far from overflow
        this.cache = Caffeine.newBuilder()
                .ticker(() -> (clock.millis() - startMillis) * 1_000_000L)
                .expireAfter(new UntilNoLongerServing())
                .buildAsync(new Loader());
    }

    /** Starts the first fetch in the background, so that the first request usually finds keys. */
    public void prefetch() {
        cache.get(SET);
    }

    /**
     * The keys a token may have been signed with; refetches for an unknown {@code kid} within the
     * budget.
     *
     * @see #candidates(String, BooleanSupplier)
     */
    public VerificationKey[] candidates(String kid) throws InvalidTokenException, VerificationUnavailableException {
        return candidates(kid, () -> true);
    }

    /**
     * The keys a token may have been signed with, refetching for an unknown {@code kid} only if
     * {@code mayRefetch} agrees: a token that would be refused anyway must not spend the
     * unknown-{@code kid} budget nor wait for a fetch.
     *
     * @param kid        the token's {@code kid}, or null for every key
     * @param mayRefetch asked once, only when the {@code kid} is unknown to the cached set
     * @return a non-empty array of candidate keys
     * @throws InvalidTokenException            if the {@code kid} is unknown even after a refetch,
     *                                          or the refetch was rate-limited or not allowed
     * @throws VerificationUnavailableException if no usable key set can be had within the wait bound
     */
    public VerificationKey[] candidates(String kid, BooleanSupplier mayRefetch)
            throws InvalidTokenException, VerificationUnavailableException {
        Map<String, Instant> refused = revoked;
        if (!refused.isEmpty() && kid != null && refused.containsKey(kid)) {
            throw InvalidTokenException.invalidToken("signing key revoked");
        }
        Instant now = clock.instant();
        KeySetState current = cached();
        if (current == null || current.keys == null) {
            current = awaitUsable(current);
        } else if (!now.isBefore(current.refreshAt) && !now.isBefore(current.nextAttemptAt)) {
            current = refreshDue(current);
            if (!now.isBefore(current.expiresAt)) {
                listener.servedStale(Duration.between(current.expiresAt, now));
            }
        }
        VerificationKey[] found = current.keys.candidates(kid);
        if (!refused.isEmpty() && kid == null && found != null) {
            found = current.keys.without(refused.keySet()).candidates(null); // a fetch may race a revocation
        }
        if (found != null && found.length > 0) {
            return found;
        }
        if (!mayRefetch.getAsBoolean()) {
            throw InvalidTokenException.invalidToken("unknown key id");
        }
        return afterUnknownKid(kid, now);
    }

    /**
     * Whether the key set last fetched holds {@code key} itself (the same object). Every successful fetch
     * prepares its keys afresh, so this turns false after each later fetch, and for good once the issuer
     * withdraws the key (RFC 7517 §5: the set is the issuer's current keys); a failed fetch keeps the last
     * good set and so keeps the answer. Lock-free, no I/O: the verified-token cache asks it on every hit.
     *
     * @param key a key this source handed out through {@link #candidates}
     * @return false also before the first successful fetch
     */
    public boolean lastFetchedHolds(VerificationKey key) {
        KeySetState latest = lastFetched;
        VerificationKey[] same = latest == null || latest.keys == null ? null : latest.keys.candidates(key.kid());
        if (same != null) {
            for (VerificationKey candidate : same) {
                if (candidate == key) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Drops the key {@code kid} from the key set at once and refuses it from now on, whatever later fetches list,
     * at least until {@code refuseUntil} and for as long as the issuer still publishes it (the issuer revoked it:
     * RFC 8417 event from its stream). Tokens cached as verified with it stop counting ({@link #lastFetchedHolds}).
     * Then refetches the set in the background: an issuer that revokes a key has just changed its keys (after a
     * rotate-and-revoke a new key signs and a new next key is published), and waiting for the cache's lifetime or
     * spending the unknown-{@code kid} budget on them would refuse the issuer's new tokens, and its next SETs,
     * for up to {@code refetchInterval}. Called by the security-event receiver; not on a request.
     */
    public synchronized void revoke(String kid, Instant refuseUntil) {
        Map<String, Instant> next = new HashMap<>(revoked);
        next.merge(kid, refuseUntil, (a, b) -> a.isAfter(b) ? a : b);
        revoked = Map.copyOf(next);
        KeySetState latest = lastFetched;
        if (latest != null && latest.keys != null && latest.keys.has(kid)) {
            KeySetState without = latest.withKeys(latest.keys.without(Set.of(kid)));
            lastFetched = without;
            KeySetState cachedNow = cached();
            if (cachedNow != null && cachedNow.keys != null && cachedNow.keys.has(kid)) {
                cache.put(SET, CompletableFuture.completedFuture(cachedNow.withKeys(cachedNow.keys.without(Set.of(kid)))));
            }
        }
        if (cached() != null) {
            refresh(FetchCause.REFRESH); // joins one in flight; the fetched set is filtered by the revocation above
        }
    }

    /** The key ids refused by {@link #revoke}, for diagnostics and tests. */
    public Set<String> revokedKids() {
        return revoked.keySet();
    }

    /** How many usable keys the cached set has; 0 before the first successful fetch. */
    public int cachedKeyCount() {
        KeySetState current = cached();
        return current == null || current.keys == null ? 0 : current.keys.size();
    }

    @Override
    public void close() {
        fetchThread.shutdownNow();
    }

    /**
     * The cached state if loaded and not expired, without waiting; null while absent or loading. Read quietly:
     * reads change nothing in this cache (one entry, expiry not reset by reads), and recording them made every
     * 16th request hand Caffeine's upkeep to the common pool, waking a thread (measured in BENCHMARKS.md).
     */
    private KeySetState cached() {
        return cache.synchronous().policy().getIfPresentQuietly(SET);
    }

    /**
     * The regular refresh of a set {@code seen} past its refresh time: the set a fetch has just produced if one landed
     * since (Caffeine installs it just after its future completes), else {@code seen} with a refresh started or
     * joined. One thread decides at a time, and a fetch records its result under the same lock: a thread that read
     * the old set just before a fetch landed would otherwise start a second fetch once the first was no longer in
     * flight.
     */
    private synchronized KeySetState refreshDue(KeySetState seen) {
        KeySetState newest = lastFetched;
        if (newest != null && newest.keys != null && newest.nextAttemptAt.isAfter(seen.nextAttemptAt)) {
            return newest;
        }
        refresh(FetchCause.REFRESH);
        return seen;
    }

    /** Records what a fetch produced, under {@link #refreshDue}'s lock (see there); on the fetch thread. */
    private synchronized void recordFetched(KeySetState state) {
        lastFetched = state;
    }

    /** Starts a refresh, or joins the one in flight (Caffeine runs one per entry at a time). */
    private CompletableFuture<KeySetState> refresh(FetchCause cause) {
        nextCause.compareAndSet(null, cause);
        CompletableFuture<KeySetState> running = cache.synchronous().refresh(SET);
        refreshing = running;
        running.whenComplete((state, error) -> {
            if (refreshing == running) {
                refreshing = null;
            }
        });
        return running;
    }

    private KeySetState awaitUsable(KeySetState failed) throws VerificationUnavailableException {
        if (failed != null) {
            // The last attempt failed and its retry interval (the entry's lifetime) has not passed.
            throw unavailable(settings.retryInterval(), failed.lastFailure, null);
        }
        KeySetState loaded = await(cache.get(SET), fetchLimit);
        if (loaded.keys == null) {
            throw unavailable(settings.retryInterval(), loaded.lastFailure, null);
        }
        return loaded;
    }

    private VerificationKey[] afterUnknownKid(String kid, Instant now)
            throws InvalidTokenException, VerificationUnavailableException {
        CompletableFuture<KeySetState> waitFor;
        UnknownKidFetch last = lastUnknownKidFetch.get();
        CompletableFuture<KeySetState> running = refreshing;
        if (running != null && !running.isDone()) {
            waitFor = running; // joining a fetch in flight costs no budget
        } else if (last != null && now.isBefore(last.startedAt.plus(settings.refetchInterval()))) {
            if (last.done.isDone()) {
                // A fetch may have landed since this request read the state.
                KeySetState latest = lastFetched;
                VerificationKey[] landed = latest == null || latest.keys == null ? null : latest.keys.candidates(kid);
                if (landed != null && landed.length > 0) {
                    return landed;
                }
                if (latest != null && latest.lastFailure != null) {
                    // As after a wait below: the issuer could not be asked, so this is no evidence against the kid.
                    throw unavailable(settings.retryInterval(), latest.lastFailure, null);
                }
                listener.unknownKidRefetchRateLimited();
                throw InvalidTokenException.invalidToken("unknown key id");
            }
            waitFor = last.done;
        } else {
            UnknownKidFetch mine = new UnknownKidFetch(now, new CompletableFuture<>());
            if (lastUnknownKidFetch.compareAndSet(last, mine)) {
                refresh(FetchCause.UNKNOWN_KID).whenComplete((next, error) -> mine.done.complete(next));
            }
            waitFor = lastUnknownKidFetch.get().done;
        }
        KeySetState next = await(waitFor, settings.maxWait());
        VerificationKey[] found = next == null || next.keys == null ? null : next.keys.candidates(kid);
        if (found != null && found.length > 0) {
            return found;
        }
        if (next == null || next.lastFailure != null) {
            // The issuer could not be asked: the token may be signed with a key we cannot see yet.
            throw unavailable(settings.retryInterval(), next == null ? null : next.lastFailure, null);
        }
        throw InvalidTokenException.invalidToken("unknown key id");
    }

    /** Waits for a fetch at most {@code limit}; the fetch itself goes on either way. */
    private KeySetState await(CompletableFuture<KeySetState> pending, Duration limit)
            throws VerificationUnavailableException {
        try {
            return pending.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw unavailable(settings.retryInterval(), "the issuer did not answer within " + limit, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable(settings.retryInterval(), "interrupted", e);
        } catch (ExecutionException e) {
            throw unavailable(settings.retryInterval(), String.valueOf(e.getCause()), e.getCause());
        }
    }

    private static VerificationUnavailableException unavailable(Duration retryAfter, String reason, Throwable cause) {
        return new VerificationUnavailableException("issuer keys unavailable: "
                + (reason == null ? "no usable keys" : reason), retryAfter, cause);
    }

    /** Fetches on the fetch thread; never fails: a failure is a state, so the last good keys stay. */
    private final class Loader implements AsyncCacheLoader<String, KeySetState> {
        @Override
        public CompletableFuture<KeySetState> asyncLoad(String key, Executor ignored) {
            return CompletableFuture.supplyAsync(() -> fetch(KeySetState.NONE), fetchThread);
        }

        @Override
        public CompletableFuture<KeySetState> asyncReload(String key, KeySetState old, Executor ignored) {
            return CompletableFuture.supplyAsync(() -> fetch(old), fetchThread);
        }

        private KeySetState fetch(KeySetState before) {
            FetchCause requested = nextCause.getAndSet(null);
            FetchCause cause = before.keys == null ? FetchCause.INITIAL : requested == null ? FetchCause.REFRESH : requested;
            try {
                FetchedJwks fetched = fetcher.fetch();
                VerificationKeys listed = VerificationKeys.from(fetched.keySet());
                forgetRevokedNoLongerListed(listed);
                VerificationKeys keys = listed.without(revoked.keySet());
                if (keys.size() == 0) {
                    throw new IOException("the JWKS has no usable signature key");
                }
                KeySetState after = before.refreshed(keys, lifetimeOf(fetched.maxAge()), clock.instant(), settings);
                recordFetched(after);
                listener.jwksRefreshed(cause, keys.size());
                return after;
            } catch (Exception | LinkageError e) {
                String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                // The state first, the listener after: the retry interval counts from the failure, not from
                // whenever a listener returns.
                KeySetState after = before.failed(reason, clock.instant().plus(settings.retryInterval()));
                recordFetched(after);
                fetchFailed.warn("JWKS fetch failed (" + cause + "): " + reason);
                listener.jwksFetchFailed(cause, reason);
                return after;
            }
        }
    }

    /** Forgets revocations past their instant that the issuer no longer lists; on the fetch thread. */
    private void forgetRevokedNoLongerListed(VerificationKeys listed) {
        Map<String, Instant> current = revoked;
        if (current.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        synchronized (this) {
            Map<String, Instant> next = new HashMap<>(revoked);
            next.entrySet().removeIf(e -> !now.isBefore(e.getValue()) && !listed.has(e.getKey()));
            revoked = Map.copyOf(next);
        }
    }

    private Duration lifetimeOf(Optional<Duration> maxAge) {
        Duration lifetime = maxAge.orElse(settings.defaultLifetime());
        if (lifetime.compareTo(settings.minLifetime()) < 0) {
            return settings.minLifetime();
        }
        return lifetime.compareTo(settings.maxLifetime()) > 0 ? settings.maxLifetime() : lifetime;
    }

    /**
     * An entry lives while it may serve: a good set until {@code staleUntil}, a failure without keys
     * until its retry; then the next request loads afresh.
     */
    private final class UntilNoLongerServing implements Expiry<String, KeySetState> {
        @Override
        public long expireAfterCreate(String key, KeySetState state, long currentTime) {
            Instant until = state.keys == null ? state.nextAttemptAt : state.staleUntil;
            return Math.max(0, Duration.between(clock.instant(), until).toNanos());
        }

        @Override
        public long expireAfterUpdate(String key, KeySetState state, long currentTime, long currentDuration) {
            return expireAfterCreate(key, state, currentTime);
        }

        @Override
        public long expireAfterRead(String key, KeySetState state, long currentTime, long currentDuration) {
            return currentDuration;
        }
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
     * @param nextAttemptAt no refresh before this (after a failure)
     * @param lastFailure   why the last fetch failed, or null if it succeeded
     */
    private record KeySetState(VerificationKeys keys, Instant refreshAt, Instant expiresAt, Instant staleUntil,
            Instant nextAttemptAt, String lastFailure) {

        static final KeySetState NONE = new KeySetState(null, Instant.MIN, Instant.MIN, Instant.MIN, Instant.MIN, null);

        KeySetState refreshed(VerificationKeys fresh, Duration lifetime, Instant now, JwksSettings settings) {
            Instant expires = now.plus(lifetime);
            Duration ahead = settings.refreshAhead().compareTo(lifetime.dividedBy(2)) > 0
                    ? lifetime.dividedBy(2) : settings.refreshAhead();
            Instant stale = now.plus(settings.maxStale());
            return new KeySetState(fresh, expires.minus(ahead), expires, stale.isAfter(expires) ? stale : expires,
                    now, null);
        }

        KeySetState withKeys(VerificationKeys fewer) {
            return new KeySetState(fewer, refreshAt, expiresAt, staleUntil, nextAttemptAt, lastFailure);
        }

        KeySetState failed(String reason, Instant retryAt) {
            return new KeySetState(keys, refreshAt, expiresAt, staleUntil, retryAt, reason);
        }
    }
}
