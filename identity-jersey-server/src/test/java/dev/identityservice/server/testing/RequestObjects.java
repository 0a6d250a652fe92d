package dev.identityservice.server.testing;

import static dev.identityservice.server.testing.TestServer.form;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.identityservice.core.grant.Pkce;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The pieces the request-object-by-reference tests share (OIDC Core §6.2, RFC 9101): the authorization request that
 * names a {@code request_uri}, a signed request object for the client {@code byref}, and the query of the redirect
 * that answers it.
 */
public final class RequestObjects {

    /** The client id every by-reference test registers. */
    public static final String CLIENT = "byref";

    private RequestObjects() {
    }

    /** The authorization request path for {@link #CLIENT} with {@code request_uri}, state {@code s}. */
    public static String authorizeByReference(String requestUri, String redirect) {
        return "/oauth2/authorize?" + form("client_id", CLIENT, "response_type", "code", "scope", "openid",
                "redirect_uri", redirect, "state", "s", "request_uri", requestUri);
    }

    /**
     * A request object for {@link #CLIENT}, RS256-signed with {@code key}, valid for 5 minutes, with a fresh
     * {@code jti}; {@code padding} fills a claim to make the object as long as a test needs.
     */
    public static String signed(RSAKey key, String audience, String redirect, String padding) throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(CLIENT).audience(audience)
                .claim("client_id", CLIENT).claim("response_type", "code").claim("redirect_uri", redirect)
                .claim("scope", "openid").claim("state", "s").claim("nonce", "n").claim("padding", padding)
                .claim("code_challenge", Pkce.challengeOf("v".repeat(43))).claim("code_challenge_method", "S256")
                .expirationTime(Date.from(Instant.now().plus(Duration.ofMinutes(5))))
                .jwtID(UUID.randomUUID().toString()).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    /** The decoded query of a 302 to {@code redirect}; fails the test for any other answer. */
    public static Map<String, String> redirectQuery(HttpResponse<String> response, String redirect) {
        assertEquals(302, response.statusCode(), response.body());
        String location = response.headers().firstValue("Location").orElseThrow();
        assertTrue(location.startsWith(redirect + "?"), location);
        Map<String, String> query = new LinkedHashMap<>();
        for (String pair : URI.create(location).getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            query.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return query;
    }
}
