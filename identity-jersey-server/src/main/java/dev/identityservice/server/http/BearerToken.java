package dev.identityservice.server.http;

import dev.identityservice.core.error.OAuthError;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.server.error.ChallengeException;

/** Reads an RFC 6750 bearer token from an {@code Authorization} header value (§2.1) or a form body (§2.2). */
public final class BearerToken {

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
        if (!isWellFormed(token)) {
            throw ChallengeException.bearer(OAuthError.invalidRequest("Malformed bearer token"), tenant.id(), true);
        }
        return token;
    }

    /**
     * The token of an {@code authorization} header value that {@link #from} would accept, or {@code null} where it
     * would throw (no value, another scheme, a malformed token): for a caller that leaves the refusal to
     * {@link #from} ({@code UserInfoFilter}).
     */
    public static String wellFormedOrNull(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return null;
        }
        String token = authorization.substring(SCHEME.length()).strip();
        return isWellFormed(token) ? token : null;
    }

    private static boolean isWellFormed(String token) {
        return !token.isEmpty() && token.length() <= MAX_TOKEN_LENGTH_CHARS && isB64token(token);
    }

    /**
     * RFC 6750 §2.1 {@code b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="}. A loop, not a
     * regular expression: on every bearer request, the regex engine was 3 % of a {@code /userinfo} request's CPU.
     */
    static boolean isB64token(String token) {
        int end = token.length();
        while (end > 0 && token.charAt(end - 1) == '=') {
            end--;
        }
        if (end == 0) {
            return false;
        }
        for (int i = 0; i < end; i++) {
            char c = token.charAt(i);
            boolean allowed = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
            if (!allowed) {
                return false;
            }
        }
        return true;
    }
}
