package dev.identityservice.guard.verify;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.identityservice.guard.GuardConfig;
import dev.identityservice.guard.GuardListener;
import dev.identityservice.guard.TokenVerifier;
import dev.identityservice.guard.VerifiedToken;
import dev.identityservice.guard.error.InvalidTokenException;
import dev.identityservice.guard.GuardConfig.EventsSettings.WhenStale;
import dev.identityservice.guard.ThrottledWarning;
import dev.identityservice.guard.error.VerificationUnavailableException;
import dev.identityservice.guard.events.DenyList;
import dev.identityservice.guard.events.EventFreshness;
import dev.identityservice.guard.events.SecurityEventReceiver;
import dev.identityservice.guard.http.BoundedHttpClient;
import dev.identityservice.guard.jwks.CachingJwksSource;
import dev.identityservice.guard.jwks.HttpJwksFetcher;
import dev.identityservice.guard.jwks.IssuerDiscovery;
import dev.identityservice.guard.jwks.JwksFetcher;
import java.time.Clock;

/**
 * The guard's verifier as configured: JWTs through {@link JwtTokenVerifier}, other tokens through
 * {@link IntrospectionTokenVerifier} when introspection is configured, and in front of both a cache
 * of verified JWTs keyed by the exact token string, so that a repeated token costs a hash lookup
 * instead of a signature verification.
 *
 * <p>A cache entry never outlives the token's {@code exp}, nor the key set it was verified with: a hit
 * counts only while the last fetched JWKS still holds the very key that verified it, so a key the issuer
 * withdraws (a compromised one) takes its tokens with it at the next fetch, and every fetch costs each
 * cached token one signature verification again. The cache is bounded in entries and in estimated bytes.
 * Rejections are not cached: random garbage must not push good tokens out.
 *
 * <p>With a security-event stream configured, a {@link SecurityEventReceiver} fills a {@link DenyList} in the
 * background and every token, fresh or cached, is checked against it: a cache entry remembers the deny-list
 * generation it was checked at, so a hit re-checks only when the list changed since (one volatile read
 * otherwise), and a cached token revoked by an event is refused on its next use. While the receiver is stale,
 * requests meet {@code events.when-stale}: accepted with a warning, 503, or introspection.
 */
public final class GuardTokenVerifier implements TokenVerifier, AutoCloseable {

    /**
     * While the event stream is stale and {@code events.when-stale} is {@code introspect}, an introspection answer
     * is reused at most this long: the point is that the issuer decides, so a revocation shows within it.
     */
    static final java.time.Duration STALE_INTROSPECTION_MAX_TTL = java.time.Duration.ofSeconds(1);

    /** Estimated bytes an entry takes beyond twice the token's length (claims, roles, cache node). */
    private static final int ENTRY_OVERHEAD_BYTES = 1024;
    private static final System.Logger LOG = System.getLogger(GuardTokenVerifier.class.getName());

    private final JwtTokenVerifier jwt;
    private final TokenVerifier opaque;
    /** Introspection while stale ({@code events.when-stale introspect}); null otherwise. */
    private final TokenVerifier staleIntrospection;
    private final CachingJwksSource keys;
    private final Cache<TokenKey, Cached> verified;
    private final Clock clock;
    private final GuardListener listener;
    private final int maxTokenLength;
    /** Null without a security-event stream; then the guard behaves as before. */
    private final DenyList deny;
    private final SecurityEventReceiver events;
    private final WhenStale whenStale;
    private final java.time.Duration staleRetryAfter;
    private final ThrottledWarning staleWarning;

    /** A cache entry: the verified token and the deny-list generation it was last checked at. */
    private static final class Cached {
        final JwtTokenVerifier.Verified result;
        /** Racy by design: a lost update only costs one more check. */
        volatile long checkedGeneration;

        Cached(JwtTokenVerifier.Verified result, long checkedGeneration) {
            this.result = result;
            this.checkedGeneration = checkedGeneration;
        }
    }

    private GuardTokenVerifier(GuardConfig config, CachingJwksSource keys, TokenVerifier opaque, DenyList deny,
            SecurityEventReceiver events, TokenVerifier staleIntrospection) {
        this.staleIntrospection = staleIntrospection;
        this.keys = keys;
        this.jwt = new JwtTokenVerifier(config, keys);
        this.opaque = opaque;
        this.clock = config.clock();
        this.listener = config.listener();
        this.maxTokenLength = config.maxTokenLength();
        this.verified = verifiedTokenCache(config);
        this.deny = deny;
        this.events = events;
        this.whenStale = config.events() == null ? WhenStale.FAIL_OPEN : config.events().whenStale();
        this.staleRetryAfter = config.jwks().retryInterval();
        this.staleWarning = new ThrottledWarning(message -> LOG.log(System.Logger.Level.WARNING, message),
                ThrottledWarning.INTERVAL_DEFAULT, clock);
    }

    /**
     * Builds the verifier a configuration describes and starts fetching the issuer's keys in the
     * background.
     */
    public static GuardTokenVerifier create(GuardConfig config) {
        GuardListener listener = new SafeListener(config.listener());
        GuardConfig safe = withListener(config, listener);
        BoundedHttpClient http = new BoundedHttpClient(safe.http());
        IssuerDiscovery discovery = new IssuerDiscovery(safe.issuer(), http);
        CachingJwksSource keys = jwksSource(safe, http, discovery);
        TokenVerifier opaque = safe.introspection() == null ? null
                : new IntrospectionTokenVerifier(safe, http, discovery);
        keys.prefetch();
        DenyList deny = null;
        SecurityEventReceiver events = null;
        TokenVerifier staleIntrospection = null;
        if (safe.events() != null) {
            deny = new DenyList(safe.events().maxEntries());
            events = new SecurityEventReceiver(safe, http, discovery, keys, deny);
            if (safe.events().whenStale() == WhenStale.INTROSPECT) {
                staleIntrospection = new IntrospectionTokenVerifier(withShortIntrospection(safe), http, discovery);
            }
            events.start();
        }
        return new GuardTokenVerifier(safe, keys, opaque, deny, events, staleIntrospection);
    }

    /**
     * A verifier that honours a deny-list the caller fills (a receiver of its own, such as an RFC 8935 push
     * endpoint, or a benchmark), without a stream of its own and so without a notion of staleness. Every token,
     * cached or not, is checked against {@code deny} as with a stream.
     *
     * @param config the settings; {@link GuardConfig#events()} is ignored
     * @param deny   the deny-list, written by one thread of the caller's
     */
    public static GuardTokenVerifier withDenyList(GuardConfig config, DenyList deny) {
        GuardListener listener = new SafeListener(config.listener());
        GuardConfig safe = withListener(config, listener);
        BoundedHttpClient http = new BoundedHttpClient(safe.http());
        IssuerDiscovery discovery = new IssuerDiscovery(safe.issuer(), http);
        CachingJwksSource keys = jwksSource(safe, http, discovery);
        TokenVerifier opaque = safe.introspection() == null ? null
                : new IntrospectionTokenVerifier(safe, http, discovery);
        keys.prefetch();
        return new GuardTokenVerifier(safe, keys, opaque, java.util.Objects.requireNonNull(deny, "deny"), null, null);
    }

    /**
     * The JWKS cache a configuration describes (explicit {@code jwks_uri}, else the issuer's discovery
     * document), not yet fetching; shared by the access-token and the logout-token verifiers.
     */
    static CachingJwksSource jwksSource(GuardConfig config, BoundedHttpClient http, IssuerDiscovery discovery) {
        JwksFetcher fetcher = config.jwksFetcher() != null ? config.jwksFetcher()
                : new HttpJwksFetcher(http, config.jwksUri(), discovery);
        return new CachingJwksSource(fetcher, config.jwks(),
                config.http().connectTimeout().plus(config.http().readTimeout()), config.clock(), config.listener());
    }

    @Override
    public VerifiedToken verify(String token) throws InvalidTokenException, VerificationUnavailableException {
        try {
            if (token.length() > maxTokenLength) {
                throw InvalidTokenException.invalidToken("token too long");
            }
            long now = clock.millis();
            if (events != null && !events.freshAt(now)) {
                if (whenStale != WhenStale.FAIL_OPEN) {
                    return whileStale(token);
                }
                staleOpen(now);
            }
            TokenKey key = verified == null ? null : new TokenKey(token);
            if (key != null) {
                Cached hit = verified.getIfPresent(key);
                if (hit != null && now < hit.result.token().expiresAt().toEpochMilli()
                        && keys.lastFetchedHolds(hit.result.key())) {
                    if (deny != null) {
                        long generation = deny.generation();
                        if (hit.checkedGeneration != generation) {
                            refuseIfDenied(hit.result.token(), hit.result.key().kid());
                            hit.checkedGeneration = generation;
                        }
                    }
                    return hit.result.token();
                }
            }
            long generation = deny == null ? 0 : deny.generation();
            if (opaque != null && !JwtTokenVerifier.looksLikeJwt(token)) {
                VerifiedToken introspected = opaque.verify(token);
                refuseIfDenied(introspected, null);
                return introspected;
            }
            JwtTokenVerifier.Verified result = jwt.verifyWithKey(token);
            refuseIfDenied(result.token(), result.key().kid());
            if (key != null && clock.millis() < result.token().expiresAt().toEpochMilli()) {
                verified.put(key, new Cached(result, generation));
            }
            return result.token();
        } catch (InvalidTokenException e) {
            listener.tokenRejected(e.error());
            throw e;
        }
    }

    /**
     * How current the guard's view of the issuer's revocations is; null without a security-event stream.
     */
    public EventFreshness eventFreshness() {
        return events == null ? null : events.freshness();
    }

    /** The deny-list the security events fill; null without a stream. For diagnostics and tests. */
    public DenyList denyList() {
        return deny;
    }

    private void refuseIfDenied(VerifiedToken token, String kid) throws InvalidTokenException {
        if (deny != null && deny.denies(token, kid)) {
            throw InvalidTokenException.invalidToken("token revoked");
        }
    }

    /** Under fail-open, a stale receiver only warns (throttled) and tells the listener. */
    private void staleOpen(long now) {
        java.time.Duration since = events.sinceContact(now);
        listener.eventStreamStale(since == null ? java.time.Duration.ZERO : since);
        staleWarning.warn("security-event stream stale (" + (since == null ? "never reached"
                : "last contact " + since.toSeconds() + " s ago") + "): accepting tokens as without a stream"
                + " (events.when-stale fail-open)");
    }

    /** Fail-closed: 503. Introspect: the issuer decides each token, then the deny-list. */
    private VerifiedToken whileStale(String token) throws InvalidTokenException, VerificationUnavailableException {
        long now = clock.millis();
        java.time.Duration since = events.sinceContact(now);
        listener.eventStreamStale(since == null ? java.time.Duration.ZERO : since);
        String state = "security-event stream stale (" + (since == null ? "never reached"
                : "last contact " + since.toSeconds() + " s ago") + ")";
        if (whenStale == WhenStale.FAIL_CLOSED || staleIntrospection == null) {
            staleWarning.warn(state + ": refusing requests with 503 (events.when-stale fail-closed)");
            throw new VerificationUnavailableException(state, staleRetryAfter, null);
        }
        staleWarning.warn(state + ": verifying tokens by introspection (events.when-stale introspect)");
        VerifiedToken introspected = staleIntrospection.verify(token);
        refuseIfDenied(introspected, null);
        return introspected;
    }

    /** The JWKS cache, for diagnostics and tests. */
    public CachingJwksSource keys() {
        return keys;
    }

    /** Stops the background fetch thread. */
    @Override
    public void close() {
        if (events != null) {
            events.close();
        }
        keys.close();
    }

    private Cache<TokenKey, Cached> verifiedTokenCache(GuardConfig config) {
        GuardConfig.TokenCacheSettings bounds = config.tokenCache();
        if (bounds.maxEntries() == 0 || bounds.maxBytes() == 0) {
            return null;
        }
        // Every entry weighs at least maxBytes / maxEntries, which bounds the entries as well.
        long floor = Math.max(1, bounds.maxBytes() / bounds.maxEntries());
        Clock time = config.clock();
        return Caffeine.newBuilder()
                .maximumWeight(bounds.maxBytes())
                .weigher((TokenKey token, Cached value) ->
                        (int) Math.min(Integer.MAX_VALUE, Math.max(floor, 2L * token.length() + ENTRY_OVERHEAD_BYTES)))
                .ticker(() -> time.millis() * 1_000_000L)
                .expireAfter(new Expiry<TokenKey, Cached>() {
                    @Override
                    public long expireAfterCreate(TokenKey key, Cached value, long currentTime) {
                        return Math.max(0, (value.result.token().expiresAt().toEpochMilli() - time.millis()) * 1_000_000L);
                    }

                    @Override
                    public long expireAfterUpdate(TokenKey key, Cached value, long currentTime, long currentDuration) {
                        return expireAfterCreate(key, value, currentTime);
                    }

                    @Override
                    public long expireAfterRead(TokenKey key, Cached value, long currentTime, long currentDuration) {
                        return currentDuration;
                    }
                })
                .build();
    }

    private static GuardConfig withShortIntrospection(GuardConfig c) {
        GuardConfig.IntrospectionSettings i = c.introspection();
        java.time.Duration maxTtl = i.maxTtl().compareTo(STALE_INTROSPECTION_MAX_TTL) < 0 ? i.maxTtl()
                : STALE_INTROSPECTION_MAX_TTL;
        java.time.Duration negativeTtl = i.negativeTtl().compareTo(maxTtl) < 0 ? i.negativeTtl() : maxTtl;
        GuardConfig.IntrospectionSettings shorter = new GuardConfig.IntrospectionSettings(i.endpoint(), i.clientId(),
                i.clientSecret(), maxTtl, negativeTtl);
        return new GuardConfig(c.issuer(), c.jwksUri(), c.audiences(), c.algorithms(), c.clockSkew(), c.acceptPlainJwt(),
                c.rolesClaims(), c.rolePrefix(), c.realm(), c.publicPaths(), c.requiredRoles(), c.maxTokenLength(),
                c.jwks(), c.http(), c.tokenCache(), shorter, c.clock(), c.listener(), c.jwksFetcher(),
                c.principalClaim(), c.acceptStringRoles(), c.passCorsPreflight(), c.events());
    }

    private static GuardConfig withListener(GuardConfig c, GuardListener listener) {
        return new GuardConfig(c.issuer(), c.jwksUri(), c.audiences(), c.algorithms(), c.clockSkew(), c.acceptPlainJwt(),
                c.rolesClaims(), c.rolePrefix(), c.realm(), c.publicPaths(), c.requiredRoles(), c.maxTokenLength(),
                c.jwks(), c.http(), c.tokenCache(), c.introspection(), c.clock(), listener, c.jwksFetcher(),
                c.principalClaim(), c.acceptStringRoles(), c.passCorsPreflight(), c.events());
    }
}
