package dev.identityservice.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.identityservice.core.key.CompactJws;
import dev.identityservice.core.key.KeyRing;
import dev.identityservice.core.key.KeyState;
import dev.identityservice.core.key.SigningAlgorithm;
import dev.identityservice.core.key.SigningKey;
import dev.identityservice.core.key.SigningKeyGenerator;
import dev.identityservice.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * {@code signature.provider}: its spellings, what each gives on this machine, and tokens of the native provider
 * checked by the JDK's (real keys, real signatures).
 */
class SignatureProviderChoiceTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void parseWhenSpelledAnyCaseThenChoiceElseErrorNamingKeyAndValues() {
        assertEquals(SignatureProviderChoice.AUTO, SignatureProviderChoice.parse("auto"));
        assertEquals(SignatureProviderChoice.JDK, SignatureProviderChoice.parse(" JDK "));
        assertEquals(SignatureProviderChoice.CORRETTO, SignatureProviderChoice.parse("Corretto"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SignatureProviderChoice.parse("openssl"));
        assertEquals("signature.provider: must be auto, jdk or corretto: openssl", e.getMessage());
    }

    @Test
    void resolveWhenJdkThenJdkWhateverThePlatform() {
        assertEquals("JDK", SignatureProviderChoice.JDK.resolve().name());
    }

    @Test
    void resolveWhenAutoOrCorrettoOnLinuxX8664ThenNativeProvider() {
        assumeNativeProviderPlatform();

        assertEquals(AmazonCorrettoCryptoProvider.PROVIDER_NAME, SignatureProviderChoice.AUTO.resolve().name());
        assertEquals(AmazonCorrettoCryptoProvider.PROVIDER_NAME, SignatureProviderChoice.CORRETTO.resolve().name());
    }

    @Test
    void rs256WhenNativeProviderSignsThenSameBytesAsTheJdkAndVerifiedByIt() throws Exception {
        assumeNativeProviderPlatform();
        List<SigningKey> keys = keys(SigningAlgorithm.RS256);
        KeyRing jdk = KeyRing.of("acme", keys);
        KeyRing accp = KeyRing.of("acme", keys, SignatureProviderChoice.CORRETTO.resolve());
        JWSHeader header = new JWSHeader.Builder(SigningAlgorithm.RS256.jwsAlgorithm()).keyID(keys.get(0).kid()).build();
        byte[] input = (header.toBase64URL() + ".eyJzdWIiOiJhbGljZSJ9").getBytes(StandardCharsets.US_ASCII);

        assertArrayEquals(jdk.activeSigner().sign(header, input).decode(), accp.activeSigner().sign(header, input).decode());
        String token = sign(accp);
        assertTrue(jdk.verifies(CompactJws.parse(token)));
        assertTrue(accp.verifies(CompactJws.parse(sign(jdk))));
    }

    @Test
    void es256WhenNativeProviderSignsThenJdkAndJwksVerify() throws Exception {
        assumeNativeProviderPlatform();
        List<SigningKey> keys = keys(SigningAlgorithm.ES256);
        KeyRing jdk = KeyRing.of("acme", keys);
        KeyRing accp = KeyRing.of("acme", keys, SignatureProviderChoice.CORRETTO.resolve());

        String token = sign(accp);
        JWK published = JWKSet.parse(new String(jdk.jwksJson(), StandardCharsets.UTF_8)).getKeyByKeyId(keys.get(0).kid());

        assertTrue(SignedJWT.parse(token).verify(new ECDSAVerifier(published.toECKey())));
        assertTrue(jdk.verifies(CompactJws.parse(token)));
        assertTrue(accp.verifies(CompactJws.parse(sign(jdk))));
        String altered = token.substring(0, token.length() - 2) + (token.endsWith("AA") ? "AB" : "AA");
        assertFalse(accp.verifies(CompactJws.parse(altered)));
    }

    /**
     * With {@code auto} the server starts signing with the JDK and hands its key rings the native provider once that
     * has loaded, after the start: tokens from before and after are valid alike (introspection, the published key set).
     */
    @Test
    void startWhenAutoThenNativeProviderSignsOnceLoadedAndEarlierTokensStayValid() throws Exception {
        assumeNativeProviderPlatform();
        try (TestServer server = TestServer.start(b -> b.signingAlgorithm(SigningAlgorithm.RS256))) {
            server.user("alice");
            server.confidentialClient("app");
            String early = server.passwordLogin("app", "alice").get("access_token").asText();
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
            while (!AmazonCorrettoCryptoProvider.PROVIDER_NAME.equals(activeSignerProvider(server)) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(AmazonCorrettoCryptoProvider.PROVIDER_NAME, activeSignerProvider(server));
            String late = server.passwordLogin("app", "alice").get("access_token").asText();

            for (String token : List.of(early, late)) {
                java.net.http.HttpResponse<String> introspected = server.post("/oauth2/introspect", TestServer.form("token", token),
                        "Authorization", TestServer.basic("app", TestServer.SECRET));
                assertTrue(TestServer.json(introspected.body()).get("active").asBoolean(), introspected.body());
                JWKSet published = JWKSet.parse(server.get("/oauth2/jwks").body());
                SignedJWT jwt = SignedJWT.parse(token);
                assertTrue(jwt.verify(new com.nimbusds.jose.crypto.RSASSAVerifier(
                        published.getKeyByKeyId(jwt.getHeader().getKeyID()).toRSAKey())));
            }
        }
    }

    /** The name of the provider the default tenant's active key signs with (the JCA's choice for the JDK). */
    private static String activeSignerProvider(TestServer server) {
        java.security.Provider provider = server.server.engine().keys().keyRing("default").activeSigner().getJCAContext().getProvider();
        return provider == null ? "JDK" : provider.getName();
    }

    private static List<SigningKey> keys(SigningAlgorithm algorithm) {
        return List.of(SigningKeyGenerator.withDefaults().generate("acme", algorithm, NOW).withState(KeyState.ACTIVE, NOW));
    }

    private static String sign(KeyRing ring) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(ring.active().algorithm().jwsAlgorithm()).keyID(ring.active().kid()).build(),
                new JWTClaimsSet.Builder().subject("alice").build());
        jwt.sign(ring.activeSigner());
        return jwt.serialize();
    }

    /** The jar carries the native library for Linux x86-64 only; elsewhere auto gives the JDK (not tested here). */
    private static void assumeNativeProviderPlatform() {
        String arch = System.getProperty("os.arch");
        assumeTrue(System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux")
                && ("amd64".equals(arch) || "x86_64".equals(arch)), "the native provider ships for Linux x86-64 only");
    }
}
