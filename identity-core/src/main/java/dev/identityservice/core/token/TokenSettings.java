package dev.identityservice.core.token;

import dev.identityservice.core.client.AccessTokenFormat;
import dev.identityservice.core.token.refresh.RefreshPolicy;
import java.time.Duration;
import java.util.Objects;

/**
 * A client's token settings. All defaults live here.
 *
 * @param audience the {@code aud} of access tokens; {@code null} means the client id
 */
public record TokenSettings(AccessTokenFormat accessTokenFormat, Duration accessTokenTtl, Duration idTokenTtl,
                            RefreshPolicy refreshPolicy, String audience) {

    public static final Duration DEFAULT_ACCESS_TOKEN_TTL = Duration.ofMinutes(10);
    public static final Duration DEFAULT_ID_TOKEN_TTL = Duration.ofMinutes(10);
    public static final Duration MAX_TOKEN_TTL = Duration.ofDays(1);

    public static final TokenSettings DEFAULTS = new TokenSettings(
            AccessTokenFormat.JWT, DEFAULT_ACCESS_TOKEN_TTL, DEFAULT_ID_TOKEN_TTL, RefreshPolicy.DEFAULT, null);

    public TokenSettings {
        Objects.requireNonNull(accessTokenFormat, "accessTokenFormat");
        Objects.requireNonNull(refreshPolicy, "refreshPolicy");
        requireTtl("accessTokenTtl", accessTokenTtl);
        requireTtl("idTokenTtl", idTokenTtl);
    }

    private static void requireTtl(String name, Duration ttl) {
        Objects.requireNonNull(ttl, name);
        if (ttl.compareTo(Duration.ofSeconds(10)) < 0 || ttl.compareTo(MAX_TOKEN_TTL) > 0) {
            throw new IllegalArgumentException(name + " must be between 10s and 1d: " + ttl);
        }
    }

    public TokenSettings withAccessTokenFormat(AccessTokenFormat format) {
        return new TokenSettings(format, accessTokenTtl, idTokenTtl, refreshPolicy, audience);
    }

    public TokenSettings withAccessTokenTtl(Duration ttl) {
        return new TokenSettings(accessTokenFormat, ttl, idTokenTtl, refreshPolicy, audience);
    }

    public TokenSettings withRefreshPolicy(RefreshPolicy policy) {
        return new TokenSettings(accessTokenFormat, accessTokenTtl, idTokenTtl, policy, audience);
    }

    public TokenSettings withAudience(String aud) {
        return new TokenSettings(accessTokenFormat, accessTokenTtl, idTokenTtl, refreshPolicy, aud);
    }
}
