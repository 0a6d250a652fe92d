package dev.identityservice.core.client;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.identityservice.core.token.TokenSettings;
import dev.identityservice.core.token.refresh.RefreshPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/** Client builders for tests. */
public final class TestClients {

    public static final String TENANT = "acme";
    public static final Instant CREATED = Instant.parse("2026-01-01T00:00:00Z");
    /** A fixed secret; only its hash is stored. */
    public static final String SECRET = "s3cr3t-Yx8KqP2mZ7vN4bR1tL6wH9jD0fGcA5eU";

    private TestClients() {
    }

    /** A confidential client with the {@link #SECRET} and every setting at its default. */
    public static Client.Builder confidential(String clientId) {
        return Client.builder(TENANT, clientId)
                .secretHash(ClientSecrets.hash(SECRET))
                .grantType(GrantType.CLIENT_CREDENTIALS)
                .createdAt(CREATED)
                .updatedAt(CREATED);
    }

    /** A public client (browser or native app) for the authorization code flow. */
    public static Client.Builder publicClient(String clientId) {
        return Client.builder(TENANT, clientId)
                .redirectUri("https://app.example.com/callback")
                .grantType(GrantType.AUTHORIZATION_CODE)
                .grantType(GrantType.REFRESH_TOKEN)
                .createdAt(CREATED)
                .updatedAt(CREATED);
    }

    /** A confidential client with every field set to a non-default value. */
    public static Client.Builder complete(String clientId) {
        return confidential(clientId)
                .name("Complete App")
                .redirectUris(List.of("https://app.example.com/cb", "http://127.0.0.1:8080/cb?x=1", "com.example.app:/oauth"))
                .postLogoutRedirectUris(List.of("https://app.example.com/bye"))
                .allowedOrigins(Set.of("https://app.example.com", "http://localhost:3000"))
                .grantTypes(Set.of(GrantType.values()))
                .scopes(Set.of("openid", "profile", "email", "api:read"))
                .tokenSettings(new TokenSettings(AccessTokenFormat.OPAQUE, Duration.ofMinutes(5), Duration.ofMinutes(15),
                        new RefreshPolicy.Sliding(Duration.ofDays(30), Duration.ofDays(90)), "https://api.example.com"))
                .idTokenEncryptionKey(encryptionKey())
                .claimMappings(List.of(
                        new ClaimMapping(ClaimMapping.TokenType.ACCESS, "department", "dept"),
                        new ClaimMapping(ClaimMapping.TokenType.ACCESS, "employee_id", "emp"),
                        new ClaimMapping(ClaimMapping.TokenType.ID, "email", "contact")))
                .requirePushedAuthorizationRequests(true)
                .requestUris(List.of("https://app.example.com/request.jwt#hash", "https://app.example.com/other.jwt"))
                .createdAt(CREATED)
                .updatedAt(CREATED.plusSeconds(30));
    }

    /** A fresh public EC P-256 encryption key for ECDH-ES. */
    public static JWK encryptionKey() {
        try {
            return new ECKeyGenerator(Curve.P_256).keyUse(KeyUse.ENCRYPTION).keyID("enc-1")
                    .algorithm(JWEAlgorithm.ECDH_ES).generate().toPublicJWK();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
