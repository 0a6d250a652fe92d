package dev.identityservice.guard.verify;

import dev.identityservice.guard.GuardConfig;
import dev.identityservice.guard.VerifiedToken;
import dev.identityservice.guard.error.InvalidTokenException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The claim checks every accepted token passes (RFC 9068 §4, RFC 7519 §4.1): exact issuer, an
 * accepted audience, {@code exp}, {@code nbf} and {@code iat} against the injected clock with the
 * configured skew, and no marks of an OpenID Connect ID token. Builds the {@link VerifiedToken}.
 */
final class AccessTokenClaims {

    /** Claims only an ID token (OpenID Connect Core §2, §3.3.2.11) carries. */
    private static final String[] ID_TOKEN_CLAIMS = {"at_hash", "c_hash", "s_hash"};

    /** RFC 9068 §2.2: the claims every JWT access token carries, besides {@code iss}, {@code exp}, {@code aud}. */
    private static final String[] AT_JWT_REQUIRED_STRINGS = {"sub", "client_id", "jti"};

    private final String issuer;
    private final Set<String> audiences;
    private final long skewMillis;
    private final Clock clock;
    private final RolesExtractor roles;
    private final String principalClaim;

    AccessTokenClaims(GuardConfig config) {
        this.issuer = config.issuer().toString();
        this.audiences = config.audiences();
        this.skewMillis = config.clockSkew().toMillis();
        this.clock = config.clock();
        this.roles = new RolesExtractor(config.rolesClaims(), config.rolePrefix(), config.acceptStringRoles());
        this.principalClaim = config.principalClaim();
    }

    /**
     * Checks a JWT's claims: {@code iss}, {@code aud} and {@code exp} always; for an {@code at+jwt}
     * also {@code sub}, {@code client_id}, {@code iat} and {@code jti} (RFC 9068 §2.2).
     *
     * @param atJwt whether the header typed the token {@code at+jwt}
     */
    VerifiedToken checkJwt(Map<String, Object> claims, boolean atJwt) throws InvalidTokenException {
        if (atJwt) {
            for (String name : AT_JWT_REQUIRED_STRINGS) {
                String value = stringOrNull(claims, name);
                if (value == null || value.isEmpty()) {
                    throw InvalidTokenException.invalidToken("an at+jwt token needs " + name);
                }
            }
            if (claims.get("iat") == null) {
                throw InvalidTokenException.invalidToken("an at+jwt token needs iat");
            }
        }
        return check(claims, true);
    }

    /**
     * Checks an introspection response's claims (RFC 7662 §2.2). Most are optional there, but those
     * present must be right, and two are not optional for a resource server: {@code aud} must name
     * an accepted audience (an active token issued to another party, a refresh token say, has
     * another audience or none), and {@code token_type} and Keycloak's {@code typ}, if present, must
     * say access token ({@code Bearer}, RFC 6750; a DPoP-bound token presented as bearer is refused,
     * RFC 9449 §7.2).
     */
    VerifiedToken checkIntrospected(Map<String, Object> claims) throws InvalidTokenException {
        Object tokenType = claims.get("token_type");
        if (tokenType != null && !isAccessTokenType(tokenType)) {
            throw InvalidTokenException.invalidToken("not an access token");
        }
        Object typ = claims.get("typ");
        if (typ != null && !(typ instanceof String t && (t.equalsIgnoreCase("Bearer") || t.equalsIgnoreCase("at+jwt")))) {
            throw InvalidTokenException.invalidToken("not an access token");
        }
        if (claims.get("aud") == null) {
            throw InvalidTokenException.invalidToken("audience not accepted");
        }
        return check(claims, false);
    }

    private static boolean isAccessTokenType(Object tokenType) {
        return tokenType instanceof String type && (type.equalsIgnoreCase("Bearer")
                || type.equals("access_token") || type.equals("urn:ietf:params:oauth:token-type:access_token"));
    }

    private VerifiedToken check(Map<String, Object> claims, boolean jwt) throws InvalidTokenException {
        long now = clock.millis();
        Object iss = claims.get("iss");
        if ((jwt || iss != null) && !issuer.equals(iss)) {
            throw InvalidTokenException.invalidToken("issuer not accepted");
        }
        Long exp = epochMillis(claims, "exp");
        if (exp == null && jwt) {
            throw InvalidTokenException.invalidToken("token has no expiry");
        }
        if (exp != null && now >= exp + skewMillis) {
            throw InvalidTokenException.invalidToken("token expired");
        }
        Long nbf = epochMillis(claims, "nbf");
        if (nbf != null && nbf > now + skewMillis) {
            throw InvalidTokenException.invalidToken("token not valid yet");
        }
        Long iat = epochMillis(claims, "iat");
        if (iat != null && iat > now + skewMillis) {
            throw InvalidTokenException.invalidToken("token issued in the future");
        }
        List<String> audience = audienceOf(claims.get("aud"));
        if ((jwt || claims.get("aud") != null) && !containsAccepted(audience)) {
            throw InvalidTokenException.invalidToken("audience not accepted");
        }
        for (String idTokenClaim : ID_TOKEN_CLAIMS) {
            if (claims.containsKey(idTokenClaim)) {
                throw InvalidTokenException.invalidToken("an ID token is not an access token");
            }
        }
        if ("ID".equalsIgnoreCase(stringOrNull(claims, "typ"))) {
            throw InvalidTokenException.invalidToken("an ID token is not an access token");
        }
        String clientId = stringOrNull(claims, "client_id");
        if (clientId == null) {
            clientId = stringOrNull(claims, "azp");
        }
        stringOrNull(claims, "sub");
        stringOrNull(claims, "jti");
        // The caller is the configured claim and nothing else: a token without it names nobody,
        // and falling back to client_id would let a client named "admin" pass as a user.
        String subject = stringOrNull(claims, principalClaim);
        if (subject == null || subject.isEmpty()) {
            throw InvalidTokenException.invalidToken("token has no " + principalClaim + " naming the caller");
        }
        Instant expiresAt = exp == null ? Instant.MAX : Instant.ofEpochMilli(exp);
        return new VerifiedToken(subject, iss instanceof String s ? s : issuer, audience, clientId, expiresAt,
                roles.rolesOf(claims), RolesExtractor.scopesOf(claims), claims);
    }

    private boolean containsAccepted(List<String> audience) {
        for (int i = 0; i < audience.size(); i++) {
            if (audiences.contains(audience.get(i))) {
                return true;
            }
        }
        return false;
    }

    private static List<String> audienceOf(Object aud) throws InvalidTokenException {
        if (aud == null) {
            return List.of();
        }
        if (aud instanceof String single) {
            return List.of(single);
        }
        if (aud instanceof List<?> list) {
            for (Object item : list) {
                if (!(item instanceof String)) {
                    throw InvalidTokenException.invalidToken("claim aud is not a string or a list of strings");
                }
            }
            @SuppressWarnings("unchecked")
            List<String> strings = (List<String>) list;
            return strings;
        }
        throw InvalidTokenException.invalidToken("claim aud is not a string or a list of strings");
    }

    /** A NumericDate claim (RFC 7519 §2) in epoch milliseconds, or null if absent. */
    private static Long epochMillis(Map<String, Object> claims, String name) throws InvalidTokenException {
        Object value = claims.get(name);
        if (value == null) {
            return null;
        }
        if (value instanceof Long seconds) {
            if (Math.abs(seconds) > 100_000_000_000L) {
                throw InvalidTokenException.invalidToken("claim " + name + " is out of range");
            }
            return seconds * 1000;
        }
        if (value instanceof Double seconds && Math.abs(seconds) < 1e11) {
            return (long) Math.floor(seconds * 1000);
        }
        throw InvalidTokenException.invalidToken("claim " + name + " is not a NumericDate");
    }

    private static String stringOrNull(Map<String, Object> claims, String name) throws InvalidTokenException {
        Object value = claims.get(name);
        if (value == null || value instanceof String) {
            return (String) value;
        }
        throw InvalidTokenException.invalidToken("claim " + name + " is not a string");
    }
}
