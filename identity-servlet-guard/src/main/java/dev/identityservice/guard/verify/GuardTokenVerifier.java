package dev.identityservice.guard.verify;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.identityservice.guard.GuardConfig;
import dev.identityservice.guard.GuardListener;
import dev.identityservice.guard.TokenVerifier;
import dev.identityservice.guard.VerifiedToken;
import dev.identityservice.guard.error.InvalidTokenException;
import dev.identityservice.guard.error.VerificationUnavailableException;
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
 */
public final class GuardTokenVerifier implements TokenVerifier, AutoCloseable {

    /** Estimated bytes an entry takes beyond twice the token's length (claims, roles, cache node). */
    private static final int ENTRY_OVERHEAD_BYTES = 1024;

    private final JwtTokenVerifier jwt;
    private final TokenVerifier opaque;
    private final CachingJwksSource keys;
    private final Cache<TokenKey, JwtTokenVerifier.Verified> verified;
    private final Clock clock;
    private final GuardListener listener;
    private final int maxTokenLength;

    private GuardTokenVerifier(GuardConfig config, CachingJwksSource keys, TokenVerifier opaque) {
        this.keys = keys;
        this.jwt = new JwtTokenVerifier(config, keys);
        this.opaque = opaque;
        this.clock = config.clock();
        this.listener = config.listener();
        this.maxTokenLength = config.maxTokenLength();
        this.verified = verifiedTokenCache(config);
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
        return new GuardTokenVerifier(safe, keys, opaque);
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
            TokenKey key = verified == null ? null : new TokenKey(token);
            if (key != null) {
                JwtTokenVerifier.Verified hit = verified.getIfPresent(key);
                if (hit != null && clock.millis() < hit.token().expiresAt().toEpochMilli()
                        && keys.lastFetchedHolds(hit.key())) {
                    return hit.token();
                }
            }
            if (opaque != null && !JwtTokenVerifier.looksLikeJwt(token)) {
                return opaque.verify(token);
            }
            JwtTokenVerifier.Verified result = jwt.verifyWithKey(token);
            if (key != null && clock.millis() < result.token().expiresAt().toEpochMilli()) {
                verified.put(key, result);
            }
            return result.token();
        } catch (InvalidTokenException e) {
            listener.tokenRejected(e.error());
            throw e;
        }
    }

    /** The JWKS cache, for diagnostics and tests. */
    public CachingJwksSource keys() {
        return keys;
    }

    /** Stops the background fetch thread. */
    @Override
    public void close() {
        keys.close();
    }

    private Cache<TokenKey, JwtTokenVerifier.Verified> verifiedTokenCache(GuardConfig config) {
        GuardConfig.TokenCacheSettings bounds = config.tokenCache();
        if (bounds.maxEntries() == 0 || bounds.maxBytes() == 0) {
            return null;
        }
        // Every entry weighs at least maxBytes / maxEntries, which bounds the entries as well.
        long floor = Math.max(1, bounds.maxBytes() / bounds.maxEntries());
        Clock time = config.clock();
        return Caffeine.newBuilder()
                .maximumWeight(bounds.maxBytes())
                .weigher((TokenKey token, JwtTokenVerifier.Verified value) ->
                        (int) Math.min(Integer.MAX_VALUE, Math.max(floor, 2L * token.length() + ENTRY_OVERHEAD_BYTES)))
                .ticker(() -> time.millis() * 1_000_000L)
                .expireAfter(new Expiry<TokenKey, JwtTokenVerifier.Verified>() {
                    @Override
                    public long expireAfterCreate(TokenKey key, JwtTokenVerifier.Verified value, long currentTime) {
                        return Math.max(0, (value.token().expiresAt().toEpochMilli() - time.millis()) * 1_000_000L);
                    }

                    @Override
                    public long expireAfterUpdate(TokenKey key, JwtTokenVerifier.Verified value, long currentTime, long currentDuration) {
                        return expireAfterCreate(key, value, currentTime);
                    }

                    @Override
                    public long expireAfterRead(TokenKey key, JwtTokenVerifier.Verified value, long currentTime, long currentDuration) {
                        return currentDuration;
                    }
                })
                .build();
    }

    private static GuardConfig withListener(GuardConfig c, GuardListener listener) {
        return new GuardConfig(c.issuer(), c.jwksUri(), c.audiences(), c.algorithms(), c.clockSkew(), c.acceptPlainJwt(),
                c.rolesClaims(), c.rolePrefix(), c.realm(), c.publicPaths(), c.requiredRoles(), c.maxTokenLength(),
                c.jwks(), c.http(), c.tokenCache(), c.introspection(), c.clock(), listener, c.jwksFetcher(),
                c.principalClaim(), c.acceptStringRoles(), c.passCorsPreflight());
    }
}
