package dev.identityservice.guard.jwks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.JSONObjectUtils;
import dev.identityservice.guard.GuardConfig;
import dev.identityservice.guard.error.InvalidTokenException;
import dev.identityservice.guard.error.VerificationUnavailableException;
import dev.identityservice.guard.testing.FakeIssuer;
import dev.identityservice.guard.testing.MutableClock;
import dev.identityservice.guard.testing.TestKey;
import dev.identityservice.guard.testing.TestTokens;
import dev.identityservice.guard.verify.GuardTokenVerifier;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * RFC 7517 §5: every way one JWKS entry can be wrong, each published beside a good key; the good key
 * keeps verifying, and the bad entry verifies nothing. Only a set with no usable key fails (503).
 */
class JwksEntryToleranceTest {
    static final String AUDIENCE = "orders-api";
    static final TestKey GOOD = TestKey.rsa("good-1");
    static final TestKey EC = TestKey.ec("ec-bad");
    static final TestKey OTHER_EC = TestKey.ec("ec-other");
    static final TestKey RSA = TestKey.rsa("rsa-bad");
    static final TestKey ED = TestKey.ed25519("ed-bad");
    @AutoClose
    static final FakeIssuer issuer = FakeIssuer.start(GOOD);

    final MutableClock clock = MutableClock.atFixedStart();
    @AutoClose
    GuardTokenVerifier verifier;

    static String edit(TestKey key, Consumer<Map<String, Object>> change) {
        Map<String, Object> members = new LinkedHashMap<>(key.publicJwk().toJSONObject());
        change.accept(members);
        return JSONObjectUtils.toJSONString(members);
    }

    static Stream<Arguments> badEntries() throws Exception {
        RSAKey small = new RSAKeyGenerator(1024, true).keyID("rsa-small").generate();
        RSAKey leaked = new RSAKeyGenerator(2048).keyID("leaked").generate();
        RSAKey twinA = new RSAKeyGenerator(2048).keyID("twin").generate();
        RSAKey twinB = new RSAKeyGenerator(2048).keyID("twin").generate();
        OctetSequenceKey hmac = new OctetSequenceKeyGenerator(256).keyID("oct").generate();
        return Stream.of(
                Arguments.of("EC key without y", List.of(edit(EC, m -> m.remove("y")))),
                Arguments.of("EC point off the curve", List.of(edit(EC, m -> m.put("y", OTHER_EC.publicJwk().toJSONObject().get("y"))))),
                Arguments.of("EC unknown crv", List.of(edit(EC, m -> m.put("crv", "P-999")))),
                Arguments.of("EC secp256k1, not supported", List.of(edit(EC, m -> m.put("crv", Curve.SECP256K1.getName())))),
                Arguments.of("unknown kty", List.of("{\"kty\":\"XYZ\",\"kid\":\"xyz\",\"n\":\"AQAB\"}")),
                Arguments.of("no kty", List.of(edit(RSA, m -> m.remove("kty")))),
                Arguments.of("kty not a string", List.of(edit(RSA, m -> m.put("kty", 7)))),
                Arguments.of("RSA without n", List.of(edit(RSA, m -> m.remove("n")))),
                Arguments.of("RSA n not base64url", List.of(edit(RSA, m -> m.put("n", "!!not base64!!")))),
                Arguments.of("RSA without e", List.of(edit(RSA, m -> m.remove("e")))),
                Arguments.of("RSA under 2048 bits", List.of(small.toPublicJWK().toJSONString())),
                Arguments.of("kid not a string", List.of(edit(RSA, m -> m.put("kid", 42)))),
                Arguments.of("use enc", List.of(edit(RSA, m -> m.put("use", KeyUse.ENCRYPTION.identifier())))),
                Arguments.of("use unknown", List.of(edit(RSA, m -> m.put("use", "tls")))),
                Arguments.of("use not a string", List.of(edit(RSA, m -> m.put("use", List.of("sig"))))),
                Arguments.of("key_ops without verify", List.of(edit(RSA, m -> m.put("key_ops", List.of("encrypt", "wrapKey"))))),
                Arguments.of("key_ops not a list", List.of(edit(RSA, m -> m.put("key_ops", "verify")))),
                Arguments.of("alg for encryption", List.of(edit(RSA, m -> m.put("alg", "RSA-OAEP-256")))),
                Arguments.of("alg of another key type", List.of(edit(RSA, m -> m.put("alg", "ES256")))),
                Arguments.of("alg HMAC", List.of(edit(RSA, m -> m.put("alg", "HS256")))),
                Arguments.of("alg none", List.of(edit(RSA, m -> m.put("alg", "none")))),
                Arguments.of("alg not a string", List.of(edit(RSA, m -> m.put("alg", 256)))),
                Arguments.of("x5c not base64", List.of(edit(RSA, m -> m.put("x5c", List.of("%%%"))))),
                Arguments.of("OKP X25519 for key agreement", List.of(edit(ED, m -> m.put("crv", "X25519")))),
                Arguments.of("OKP Ed25519 x of the wrong length", List.of(edit(ED, m -> m.put("x", "AAAA")))),
                Arguments.of("OKP without x", List.of(edit(ED, m -> m.remove("x")))),
                Arguments.of("symmetric oct key", List.of(hmac.toJSONString())),
                Arguments.of("private key material", List.of(leaked.toJSONString())),
                Arguments.of("one kid for two different keys", List.of(twinA.toPublicJWK().toJSONString(),
                        twinB.toPublicJWK().toJSONString())),
                Arguments.of("entries that are not objects", List.of("\"a string\"", "42", "null", "[]", "{}")));
    }

    GuardTokenVerifier verifier() {
        return GuardTokenVerifier.create(GuardConfig.builder().issuer(issuer.url()).audience(AUDIENCE).clock(clock)
                .algorithms("RS256", "ES256", "EdDSA").build());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badEntries")
    void verifyWhenJwksHasOneBadEntryThenGoodKeyStillVerifies(String name, List<String> bad) throws Exception {
        String[] entries = Stream.concat(bad.stream(), Stream.of(GOOD.publicJwk().toJSONString())).toArray(String[]::new);
        issuer.publishRaw(entries);
        verifier = verifier();
        assertEquals("alice", verifier.verify(TestTokens.accessToken(issuer.url(), AUDIENCE, GOOD, clock).sign()).subject());
        assertEquals(1, verifier.keys().cachedKeyCount(), name);
    }

    @Test
    void verifyWhenLeakedPrivateKeySignsThenRefused() throws Exception {
        RSAKey leaked = new RSAKeyGenerator(2048).keyID("leaked").generate();
        issuer.publishRaw(leaked.toJSONString(), GOOD.publicJwk().toJSONString());
        verifier = verifier();
        String forged = TestTokens.accessToken(issuer.url(), AUDIENCE, TestKey.of(leaked), clock).sign();
        InvalidTokenException e = assertThrows(InvalidTokenException.class, () -> verifier.verify(forged));
        assertEquals("unknown key id", e.error().description());
    }

    @Test
    void verifyWhenOneKidNamesTwoKeysThenNeitherVerifies() throws Exception {
        RSAKey twinA = new RSAKeyGenerator(2048).keyID("twin").generate();
        RSAKey twinB = new RSAKeyGenerator(2048).keyID("twin").generate();
        issuer.publishRaw(twinA.toPublicJWK().toJSONString(), twinB.toPublicJWK().toJSONString(),
                GOOD.publicJwk().toJSONString());
        verifier = verifier();
        String token = TestTokens.accessToken(issuer.url(), AUDIENCE, TestKey.of(twinA), clock).sign();
        assertThrows(InvalidTokenException.class, () -> verifier.verify(token));
    }

    @Test
    void verifyWhenSameKeyPublishedTwiceThenCountedOnceAndVerifies() throws Exception {
        issuer.publishRaw(GOOD.publicJwk().toJSONString(), GOOD.publicJwk().toJSONString());
        verifier = verifier();
        assertEquals("alice", verifier.verify(TestTokens.accessToken(issuer.url(), AUDIENCE, GOOD, clock).sign()).subject());
        assertEquals(1, verifier.keys().cachedKeyCount());
    }

    @Test
    void verifyWhenNoEntryUsableThenUnavailableNot401() {
        issuer.publishRaw(edit(EC, m -> m.remove("y")), edit(RSA, m -> m.put("use", "enc")));
        verifier = verifier();
        String token = TestTokens.accessToken(issuer.url(), AUDIENCE, GOOD, clock).sign();
        VerificationUnavailableException e = assertThrows(VerificationUnavailableException.class,
                () -> verifier.verify(token));
        assertTrue(e.getMessage().contains("no usable signature key"), e.getMessage());
    }
}
