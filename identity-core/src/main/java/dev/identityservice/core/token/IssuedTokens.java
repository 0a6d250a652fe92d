package dev.identityservice.core.token;

import java.time.Duration;
import java.util.Objects;

/**
 * A successful token response (RFC 6749 §5.1, OIDC Core §3.1.3.3).
 *
 * @param refreshToken {@code null} when none was issued
 * @param idToken      {@code null} when the {@code openid} scope was not granted
 */
public record IssuedTokens(String accessToken, Duration expiresIn, String scope, String refreshToken, String idToken) {

    /** The only token type issued: RFC 6750 bearer tokens. */
    public static final String TOKEN_TYPE = "Bearer";

    public IssuedTokens {
        Objects.requireNonNull(accessToken, "accessToken");
        Objects.requireNonNull(expiresIn, "expiresIn");
    }

    public String tokenType() {
        return TOKEN_TYPE;
    }
}
