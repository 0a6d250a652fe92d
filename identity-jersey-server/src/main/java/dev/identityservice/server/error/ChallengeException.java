package dev.identityservice.server.error;

import dev.identityservice.core.error.OAuthError;
import java.util.Map;
import java.util.Objects;

/**
 * An {@link OAuthError} that goes out with response headers: a {@code WWW-Authenticate} challenge
 * (RFC 6749 §5.2 for Basic, RFC 6750 §3 for Bearer) or a {@code Retry-After}.
 */
public final class ChallengeException extends RuntimeException {

    private final transient OAuthError error;
    private final transient Map<String, String> headers;

    public ChallengeException(OAuthError error, Map<String, String> headers) {
        super(error.code(), null, false, false);
        this.error = Objects.requireNonNull(error, "error");
        this.headers = Map.copyOf(headers);
    }

    /** {@code invalid_client} after Basic authentication failed: 401 with {@code WWW-Authenticate: Basic}. */
    public static ChallengeException basic(OAuthError error, String realm) {
        return new ChallengeException(error, Map.of("WWW-Authenticate", "Basic realm=\"" + realm + "\", charset=\"UTF-8\""));
    }

    /** An RFC 6750 §3 Bearer challenge; without an error code when the request carried no token at all. */
    public static ChallengeException bearer(OAuthError error, String realm, boolean withErrorCode) {
        StringBuilder challenge = new StringBuilder("Bearer realm=\"").append(realm).append('"');
        if (withErrorCode) {
            challenge.append(", error=\"").append(error.code()).append('"');
            if (error.description() != null) {
                challenge.append(", error_description=\"").append(error.description().replace('"', '\'')).append('"');
            }
        }
        return new ChallengeException(error, Map.of("WWW-Authenticate", challenge.toString()));
    }

    public OAuthError error() {
        return error;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
