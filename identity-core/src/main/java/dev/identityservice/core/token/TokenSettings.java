package dev.identityservice.core.token;

import dev.identityservice.core.client.AccessTokenFormat;
import dev.identityservice.core.token.refresh.RefreshPolicy;
import java.time.Duration;
import java.util.Objects;

/**
 * A client's token settings. All defaults live here.
 *
 * @param audience          the {@code aud} of access tokens; {@code null} means the client id
 * @param refreshReuseGrace how long after its rotation a refresh token that comes back again is refused
 *                          <em>without</em> revoking its family (RFC 9700 §4.14.2); {@link Duration#ZERO}, the
 *                          default, revokes the family on any reuse. A grace lets a stolen token that is replayed
 *                          within it go unpunished (it is still refused), so keep it short and only for clients
 *                          whose own requests race (several tabs, retries after a lost response).
 */
public record TokenSettings(AccessTokenFormat accessTokenFormat, Duration accessTokenTtl, Duration idTokenTtl,
                            RefreshPolicy refreshPolicy, String audience, Duration refreshReuseGrace) {

    public static final Duration DEFAULT_ACCESS_TOKEN_TTL = Duration.ofMinutes(10);
    public static final Duration DEFAULT_ID_TOKEN_TTL = Duration.ofMinutes(10);
    public static final Duration MAX_TOKEN_TTL = Duration.ofDays(1);
    /** By default any reuse of a rotated refresh token revokes its family (RFC 9700 §4.14.2). */
    public static final Duration DEFAULT_REFRESH_REUSE_GRACE = Duration.ZERO;
    /** The longest grace a client may get: long enough for a retry, too short to be a standing window. */
    public static final Duration MAX_REFRESH_REUSE_GRACE = Duration.ofSeconds(60);

    public static final TokenSettings DEFAULTS = new TokenSettings(
            AccessTokenFormat.JWT, DEFAULT_ACCESS_TOKEN_TTL, DEFAULT_ID_TOKEN_TTL, RefreshPolicy.DEFAULT, null,
            DEFAULT_REFRESH_REUSE_GRACE);

    /** The settings with the default reuse grace, for callers that do not set one. */
    public TokenSettings(AccessTokenFormat accessTokenFormat, Duration accessTokenTtl, Duration idTokenTtl,
                         RefreshPolicy refreshPolicy, String audience) {
        this(accessTokenFormat, accessTokenTtl, idTokenTtl, refreshPolicy, audience, DEFAULT_REFRESH_REUSE_GRACE);
    }

    public TokenSettings {
        Objects.requireNonNull(accessTokenFormat, "accessTokenFormat");
        Objects.requireNonNull(refreshPolicy, "refreshPolicy");
        requireTtl("accessTokenTtl", accessTokenTtl);
        requireTtl("idTokenTtl", idTokenTtl);
        Objects.requireNonNull(refreshReuseGrace, "refreshReuseGrace");
        if (refreshReuseGrace.isNegative() || refreshReuseGrace.compareTo(MAX_REFRESH_REUSE_GRACE) > 0
                || refreshReuseGrace.getNano() != 0) {
            throw new IllegalArgumentException("refreshReuseGrace must be whole seconds between 0s and "
                    + MAX_REFRESH_REUSE_GRACE.toSeconds() + "s: " + refreshReuseGrace);
        }
    }

    private static void requireTtl(String name, Duration ttl) {
        Objects.requireNonNull(ttl, name);
        if (ttl.compareTo(Duration.ofSeconds(10)) < 0 || ttl.compareTo(MAX_TOKEN_TTL) > 0) {
            throw new IllegalArgumentException(name + " must be between 10s and 1d: " + ttl);
        }
    }

    public TokenSettings withAccessTokenFormat(AccessTokenFormat format) {
        return new TokenSettings(format, accessTokenTtl, idTokenTtl, refreshPolicy, audience, refreshReuseGrace);
    }

    public TokenSettings withAccessTokenTtl(Duration ttl) {
        return new TokenSettings(accessTokenFormat, ttl, idTokenTtl, refreshPolicy, audience, refreshReuseGrace);
    }

    public TokenSettings withRefreshPolicy(RefreshPolicy policy) {
        return new TokenSettings(accessTokenFormat, accessTokenTtl, idTokenTtl, policy, audience, refreshReuseGrace);
    }

    public TokenSettings withAudience(String aud) {
        return new TokenSettings(accessTokenFormat, accessTokenTtl, idTokenTtl, refreshPolicy, aud, refreshReuseGrace);
    }

    public TokenSettings withRefreshReuseGrace(Duration grace) {
        return new TokenSettings(accessTokenFormat, accessTokenTtl, idTokenTtl, refreshPolicy, audience, grace);
    }
}
