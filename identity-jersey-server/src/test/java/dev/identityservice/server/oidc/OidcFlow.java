package dev.identityservice.server.oidc;

import static dev.identityservice.server.testing.TestServer.PASSWORD;
import static dev.identityservice.server.testing.TestServer.SECRET;
import static dev.identityservice.server.testing.TestServer.form;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import dev.identityservice.server.testing.Browser;
import dev.identityservice.server.testing.TestServer;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The browser side of the code flow over real HTTP: sign in, take the code, redeem it; and JWT checks against the JWKS. */
final class OidcFlow {

    static final String REDIRECT = "https://app.example.com/callback";

    private OidcFlow() {
    }

    /** Signs alice in at the login page with {@code parameters} (client_id etc.) and returns the redirect's query. */
    static Map<String, String> authorize(TestServer server, String tenantPath, String... parameters) {
        Browser browser = new Browser();
        List<String> all = new ArrayList<>(List.of("response_type", "code", "redirect_uri", REDIRECT, "state", "st"));
        all.addAll(List.of(parameters));
        HttpResponse<String> page = browser.get(server.uri(tenantPath + "/oauth2/authorize?" + form(all.toArray(String[]::new))));
        assertEquals(200, page.statusCode(), page.body());
        Browser.LoginForm login = Browser.loginForm(page.body());
        HttpResponse<String> redirect = browser.post(login.action(), login.withCredentials("alice", PASSWORD));
        return query(redirect);
    }

    /** Redeems {@code code} for {@code clientId} (client_secret_basic) and returns the token response. */
    static JsonNode redeem(TestServer server, String tenantPath, String clientId, String code) {
        HttpResponse<String> response = server.post(tenantPath + "/oauth2/token",
                form("grant_type", "authorization_code", "code", code, "redirect_uri", REDIRECT),
                "Authorization", TestServer.basic(clientId, SECRET));
        assertEquals(200, response.statusCode(), response.body());
        return TestServer.json(response.body());
    }

    static Map<String, String> query(HttpResponse<String> redirect) {
        assertEquals(302, redirect.statusCode(), redirect.body());
        String location = redirect.headers().firstValue("Location").orElseThrow();
        assertTrue(location.startsWith(REDIRECT + "?"), location);
        Map<String, String> query = new LinkedHashMap<>();
        for (String pair : URI.create(location).getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            query.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return query;
    }

    /** {@code jwt} parsed after its signature was checked with the key its {@code kid} names in the tenant's JWKS. */
    static SignedJWT verified(TestServer server, String tenantPath, String jwt) throws Exception {
        SignedJWT parsed = SignedJWT.parse(jwt);
        JWKSet jwks = JWKSet.parse(server.get(tenantPath + "/oauth2/jwks").body());
        JWK key = jwks.getKeyByKeyId(parsed.getHeader().getKeyID());
        assertTrue(key != null, "the kid is published");
        assertEquals(parsed.getHeader().getAlgorithm(), key.getAlgorithm(), "alg matches the key's");
        java.security.Key publicKey = switch (key.getKeyType().getValue()) {
            case "RSA" -> key.toRSAKey().toPublicKey();
            case "EC" -> key.toECKey().toPublicKey();
            default -> null;
        };
        boolean valid = publicKey != null
                ? parsed.verify(new DefaultJWSVerifierFactory().createJWSVerifier(parsed.getHeader(), publicKey))
                : parsed.verify(new com.nimbusds.jose.crypto.Ed25519Verifier(key.toOctetKeyPair()));
        assertTrue(valid, "signature verifies");
        return parsed;
    }
}
