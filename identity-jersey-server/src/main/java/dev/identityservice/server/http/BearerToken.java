package dev.identityservice.server.http;

import dev.identityservice.core.error.OAuthError;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.server.error.ChallengeException;
import java.util.regex.Pattern;

/** Reads an RFC 6750 bearer token from an {@code Authorization} header value (§2.1) or a form body (§2.2). */
public final class BearerToken {

    /** RFC 6750 §2.1 b64token. */
    private static final Pattern B64TOKEN = Pattern.compile("[A-Za-z0-9\\-._~+/]+=*");
    private static final String SCHEME = "bearer ";
    private static final int MAX_TOKEN_LENGTH_CHARS = 16 * 1024;

    private BearerToken() {
    }

    /**
     * The token in {@code authorization}.
     *
     * @throws ChallengeException 401 without an error code when there is no bearer token (RFC 6750 §3.1),
     *                            400 {@code invalid_request} when the header is malformed
     */
    public static String from(String authorization, Tenant tenant) {
        String realm = tenant.id();
        if (authorization == null || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            throw ChallengeException.bearer(new OAuthError("invalid_token", "A bearer token is required", 401), realm, false);
        }
        return fromFormValue(authorization.substring(SCHEME.length()).strip(), tenant);
    }

    /**
     * {@code token} if it has the RFC 6750 §2.1 b64token form (also what an RFC 6750 §2.2 {@code access_token}
     * form parameter must hold).
     *
     * @throws ChallengeException 400 {@code invalid_request} when it has not
     */
    public static String fromFormValue(String token, Tenant tenant) {
        if (token.isEmpty() || token.length() > MAX_TOKEN_LENGTH_CHARS || !B64TOKEN.matcher(token).matches()) {
            throw ChallengeException.bearer(OAuthError.invalidRequest("Malformed bearer token"), tenant.id(), true);
        }
        return token;
    }
}
